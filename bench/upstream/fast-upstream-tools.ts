// The fast upstream's tool catalog: ten small deterministic tools, plus numbered echo
// variants when a scenario wants more tools per server. Each tool turns its arguments into
// one line of text; nothing sleeps, nothing allocates beyond its answer.

export interface FastTool {
  readonly name: string;
  readonly description: string;
  readonly inputSchema: Record<string, unknown>;
  readonly run: (args: Record<string, unknown>) => string;
}

const textInput = { type: 'object', properties: { text: { type: 'string' } }, required: ['text'] };
const pairInput = { type: 'object', properties: { a: { type: 'number' }, b: { type: 'number' } }, required: ['a', 'b'] };

const text = (args: Record<string, unknown>): string => String(args['text'] ?? '');
const num = (args: Record<string, unknown>, key: string): number => Number(args[key] ?? 0);

const BASE_TOOLS: readonly FastTool[] = [
  { name: 'echo', description: 'Returns the text it was given.', inputSchema: textInput, run: text },
  { name: 'add', description: 'Adds a and b.', inputSchema: pairInput, run: (a) => String(num(a, 'a') + num(a, 'b')) },
  { name: 'subtract', description: 'Subtracts b from a.', inputSchema: pairInput, run: (a) => String(num(a, 'a') - num(a, 'b')) },
  { name: 'multiply', description: 'Multiplies a by b.', inputSchema: pairInput, run: (a) => String(num(a, 'a') * num(a, 'b')) },
  { name: 'uppercase', description: 'Upper-cases the text.', inputSchema: textInput, run: (a) => text(a).toUpperCase() },
  { name: 'lowercase', description: 'Lower-cases the text.', inputSchema: textInput, run: (a) => text(a).toLowerCase() },
  { name: 'reverse', description: 'Reverses the text.', inputSchema: textInput, run: (a) => [...text(a)].reverse().join('') },
  { name: 'length', description: 'Counts the characters of the text.', inputSchema: textInput, run: (a) => String(text(a).length) },
  { name: 'word_count', description: 'Counts the words of the text.', inputSchema: textInput, run: (a) => String(text(a).split(/\s+/).filter(Boolean).length) },
  { name: 'pong', description: 'Answers "pong".', inputSchema: { type: 'object', properties: {} }, run: () => 'pong' },
];

/** `count` tools: the ten base tools first, then `echo_11`, `echo_12`, … */
export function buildToolCatalog(count: number): FastTool[] {
  const tools = BASE_TOOLS.slice(0, count);
  for (let n = tools.length + 1; n <= count; n++) {
    tools.push({ name: `echo_${n}`, description: `Echo variant ${n}: returns the text it was given.`, inputSchema: textInput, run: text });
  }
  return tools;
}

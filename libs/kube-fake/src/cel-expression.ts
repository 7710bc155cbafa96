// A small interpreter for the subset of CEL (github.com/google/cel-spec, "Language
// Definition") that CRD validation rules (`x-kubernetes-validations`) are written in:
// literals, field selection, indexing, `has()`, the comparison/logical/arithmetic
// operators, `in`, `?:`, the list macros (`all`, `exists`, `exists_one`, `map`, `filter`),
// `size`, the string functions (`startsWith`, `endsWith`, `contains`, `matches`,
// `lowerAscii`, `upperAscii`, `trim`, `split`, `indexOf`), and the conversions
// (`int`, `double`, `string`, `bool`). Anything else is a syntax error at compile time, so a
// CRD whose rules this fake cannot evaluate is refused loudly instead of passing silently.

export class CelSyntaxError extends Error {
  override readonly name = 'CelSyntaxError';
}

export class CelEvaluationError extends Error {
  override readonly name = 'CelEvaluationError';
}

export type CelValue = null | boolean | number | string | CelValue[] | { [key: string]: CelValue };

type Node =
  | { kind: 'literal'; value: CelValue }
  | { kind: 'ident'; name: string }
  | { kind: 'select'; target: Node; field: string }
  | { kind: 'index'; target: Node; index: Node }
  | { kind: 'call'; target: Node | undefined; name: string; args: Node[] }
  | { kind: 'list'; items: Node[] }
  | { kind: 'map'; entries: Array<[Node, Node]> }
  | { kind: 'unary'; op: '!' | '-'; operand: Node }
  | { kind: 'binary'; op: string; left: Node; right: Node }
  | { kind: 'conditional'; test: Node; then: Node; otherwise: Node };

interface Token {
  type: 'number' | 'string' | 'ident' | 'punct' | 'end';
  text: string;
  value?: CelValue;
  position: number;
}

const PUNCTUATION = ['==', '!=', '<=', '>=', '&&', '||', '<', '>', '+', '-', '*', '/', '%', '!', '?', ':', '.', ',', '(', ')', '[', ']', '{', '}'];

function tokenize(source: string): Token[] {
  const tokens: Token[] = [];
  let i = 0;
  while (i < source.length) {
    const ch = source[i] as string;
    if (/\s/.test(ch)) {
      i += 1;
      continue;
    }
    if (/[0-9]/.test(ch)) {
      const match = /^(0x[0-9a-fA-F]+|[0-9]+(\.[0-9]+)?([eE][+-]?[0-9]+)?)[uU]?/.exec(source.slice(i)) as RegExpExecArray;
      const text = match[0];
      tokens.push({ type: 'number', text, value: Number(text.replace(/[uU]$/, '')), position: i });
      i += text.length;
      continue;
    }
    if (ch === '"' || ch === "'" || ((ch === 'r' || ch === 'R') && (source[i + 1] === '"' || source[i + 1] === "'"))) {
      const raw = ch === 'r' || ch === 'R';
      const start = i;
      if (raw) i += 1;
      const quote = source[i] as string;
      const triple = source.startsWith(quote.repeat(3), i);
      const delimiter = triple ? quote.repeat(3) : quote;
      i += delimiter.length;
      let value = '';
      while (!source.startsWith(delimiter, i)) {
        if (i >= source.length) throw new CelSyntaxError(`unterminated string at ${start}`);
        const c = source[i] as string;
        if (c === '\\' && !raw) {
          const next = source[i + 1] as string;
          const escapes: Record<string, string> = { n: '\n', t: '\t', r: '\r', '\\': '\\', '"': '"', "'": "'", '`': '`', '?': '?', a: '\x07', b: '\b', f: '\f', v: '\v' };
          if (escapes[next] === undefined) throw new CelSyntaxError(`unsupported escape \\${next} at ${i}`);
          value += escapes[next];
          i += 2;
        } else {
          value += c;
          i += 1;
        }
      }
      i += delimiter.length;
      tokens.push({ type: 'string', text: source.slice(start, i), value, position: start });
      continue;
    }
    if (/[A-Za-z_]/.test(ch)) {
      const text = (/^[A-Za-z_][A-Za-z0-9_]*/.exec(source.slice(i)) as RegExpExecArray)[0];
      tokens.push({ type: 'ident', text, position: i });
      i += text.length;
      continue;
    }
    const punct = PUNCTUATION.find((p) => source.startsWith(p, i));
    if (punct === undefined) throw new CelSyntaxError(`unexpected character "${ch}" at ${i}`);
    tokens.push({ type: 'punct', text: punct, position: i });
    i += punct.length;
  }
  tokens.push({ type: 'end', text: '<end>', position: source.length });
  return tokens;
}

const MACROS = new Set(['all', 'exists', 'exists_one', 'map', 'filter']);
const RECEIVER_FUNCTIONS = new Set(['size', 'startsWith', 'endsWith', 'contains', 'matches', 'lowerAscii', 'upperAscii', 'trim', 'split', 'indexOf', ...MACROS]);
const GLOBAL_FUNCTIONS = new Set(['size', 'has', 'int', 'uint', 'double', 'string', 'bool', 'matches']);

class Parser {
  private position = 0;
  constructor(private readonly tokens: Token[]) {}

  parse(): Node {
    const node = this.expression();
    this.expect('end');
    return node;
  }

  private peek(): Token {
    return this.tokens[this.position] as Token;
  }

  private next(): Token {
    const token = this.peek();
    this.position += 1;
    return token;
  }

  private accept(text: string): boolean {
    const token = this.peek();
    if ((token.type === 'punct' || token.type === 'ident') && token.text === text) {
      this.position += 1;
      return true;
    }
    return false;
  }

  private expect(text: string): Token {
    const token = this.next();
    if (text === 'end' ? token.type !== 'end' : token.text !== text) {
      throw new CelSyntaxError(`expected "${text}" at ${token.position}, found "${token.text}"`);
    }
    return token;
  }

  private expression(): Node {
    const test = this.binary(0);
    if (this.accept('?')) {
      const then = this.binary(0);
      this.expect(':');
      const otherwise = this.expression();
      return { kind: 'conditional', test, then, otherwise };
    }
    return test;
  }

  private static readonly LEVELS: readonly (readonly string[])[] = [['||'], ['&&'], ['==', '!=', '<', '<=', '>', '>=', 'in'], ['+', '-'], ['*', '/', '%']];

  private binary(level: number): Node {
    if (level >= Parser.LEVELS.length) return this.unary();
    let left = this.binary(level + 1);
    const ops = Parser.LEVELS[level] as readonly string[];
    for (;;) {
      const token = this.peek();
      if (!ops.includes(token.text) || token.type === 'string') return left;
      this.next();
      const right = this.binary(level + 1);
      left = { kind: 'binary', op: token.text, left, right };
    }
  }

  private unary(): Node {
    if (this.accept('!')) return { kind: 'unary', op: '!', operand: this.unary() };
    if (this.accept('-')) return { kind: 'unary', op: '-', operand: this.unary() };
    return this.member();
  }

  private member(): Node {
    let node = this.primary();
    for (;;) {
      if (this.accept('.')) {
        const name = this.next();
        if (name.type !== 'ident') throw new CelSyntaxError(`expected a field name at ${name.position}`);
        if (this.accept('(')) {
          if (!RECEIVER_FUNCTIONS.has(name.text)) throw new CelSyntaxError(`unsupported function ${name.text}() at ${name.position}`);
          node = { kind: 'call', target: node, name: name.text, args: this.arguments() };
        } else {
          node = { kind: 'select', target: node, field: name.text };
        }
      } else if (this.accept('[')) {
        const index = this.expression();
        this.expect(']');
        node = { kind: 'index', target: node, index };
      } else {
        return node;
      }
    }
  }

  private arguments(): Node[] {
    const args: Node[] = [];
    if (this.accept(')')) return args;
    do args.push(this.expression());
    while (this.accept(','));
    this.expect(')');
    return args;
  }

  private primary(): Node {
    const token = this.next();
    if (token.type === 'number' || token.type === 'string') return { kind: 'literal', value: token.value as CelValue };
    if (token.type === 'ident') {
      if (token.text === 'true' || token.text === 'false') return { kind: 'literal', value: token.text === 'true' };
      if (token.text === 'null') return { kind: 'literal', value: null };
      if (this.accept('(')) {
        if (!GLOBAL_FUNCTIONS.has(token.text)) throw new CelSyntaxError(`unsupported function ${token.text}() at ${token.position}`);
        return { kind: 'call', target: undefined, name: token.text, args: this.arguments() };
      }
      return { kind: 'ident', name: token.text };
    }
    if (token.text === '(') {
      const inner = this.expression();
      this.expect(')');
      return inner;
    }
    if (token.text === '[') {
      const items: Node[] = [];
      if (!this.accept(']')) {
        do {
          if (this.peek().text === ']') break;
          items.push(this.expression());
        } while (this.accept(','));
        this.expect(']');
      }
      return { kind: 'list', items };
    }
    if (token.text === '{') {
      const entries: Array<[Node, Node]> = [];
      if (!this.accept('}')) {
        do {
          if (this.peek().text === '}') break;
          const key = this.expression();
          this.expect(':');
          entries.push([key, this.expression()]);
        } while (this.accept(','));
        this.expect('}');
      }
      return { kind: 'map', entries };
    }
    throw new CelSyntaxError(`unexpected "${token.text}" at ${token.position}`);
  }
}

function isMap(value: CelValue): value is { [key: string]: CelValue } {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function typeName(value: CelValue): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'list';
  if (typeof value === 'number') return Number.isInteger(value) ? 'int' : 'double';
  return typeof value === 'object' ? 'map' : typeof value;
}

function celEquals(a: CelValue, b: CelValue): boolean {
  if (Array.isArray(a) && Array.isArray(b)) return a.length === b.length && a.every((item, i) => celEquals(item, b[i] as CelValue));
  if (isMap(a) && isMap(b)) {
    const keys = Object.keys(a);
    return keys.length === Object.keys(b).length && keys.every((key) => key in b && celEquals(a[key] as CelValue, b[key] as CelValue));
  }
  return a === b;
}

function compare(a: CelValue, b: CelValue, op: string): boolean {
  if (!((typeof a === 'number' && typeof b === 'number') || (typeof a === 'string' && typeof b === 'string') || (typeof a === 'boolean' && typeof b === 'boolean'))) {
    throw new CelEvaluationError(`no such overload: ${typeName(a)} ${op} ${typeName(b)}`);
  }
  switch (op) {
    case '<':
      return a < b;
    case '<=':
      return a <= b;
    case '>':
      return a > b;
    default:
      return a >= b;
  }
}

function asBool(value: CelValue, what: string): boolean {
  if (typeof value !== 'boolean') throw new CelEvaluationError(`${what} must be a bool, got ${typeName(value)}`);
  return value;
}

function asString(value: CelValue, what: string): string {
  if (typeof value !== 'string') throw new CelEvaluationError(`${what} must be a string, got ${typeName(value)}`);
  return value;
}

type Scope = ReadonlyMap<string, CelValue>;

function evaluate(node: Node, scope: Scope): CelValue {
  switch (node.kind) {
    case 'literal':
      return node.value;
    case 'ident': {
      if (!scope.has(node.name)) throw new CelEvaluationError(`undeclared reference to '${node.name}'`);
      return scope.get(node.name) as CelValue;
    }
    case 'select': {
      const target = evaluate(node.target, scope);
      if (!isMap(target)) throw new CelEvaluationError(`cannot select field '${node.field}' of ${typeName(target)}`);
      if (!(node.field in target)) throw new CelEvaluationError(`no such key: ${node.field}`);
      return target[node.field] as CelValue;
    }
    case 'index': {
      const target = evaluate(node.target, scope);
      const index = evaluate(node.index, scope);
      if (Array.isArray(target) && typeof index === 'number') {
        if (index < 0 || index >= target.length) throw new CelEvaluationError(`index out of range: ${index}`);
        return target[index] as CelValue;
      }
      if (isMap(target) && typeof index === 'string') {
        if (!(index in target)) throw new CelEvaluationError(`no such key: ${index}`);
        return target[index] as CelValue;
      }
      throw new CelEvaluationError(`cannot index ${typeName(target)} with ${typeName(index)}`);
    }
    case 'list':
      return node.items.map((item) => evaluate(item, scope));
    case 'map':
      return Object.fromEntries(node.entries.map(([key, value]) => [asString(evaluate(key, scope), 'map key'), evaluate(value, scope)]));
    case 'unary': {
      const operand = evaluate(node.operand, scope);
      if (node.op === '!') return !asBool(operand, 'operand of !');
      if (typeof operand !== 'number') throw new CelEvaluationError(`no such overload: -${typeName(operand)}`);
      return -operand;
    }
    case 'conditional':
      return asBool(evaluate(node.test, scope), 'condition') ? evaluate(node.then, scope) : evaluate(node.otherwise, scope);
    case 'binary':
      return evaluateBinary(node.op, node.left, node.right, scope);
    case 'call':
      return evaluateCall(node, scope);
  }
}

function evaluateBinary(op: string, leftNode: Node, rightNode: Node, scope: Scope): CelValue {
  if (op === '&&' || op === '||') {
    // CEL's logical operators are commutative over errors: `false && error` is false and
    // `error || true` is true (cel-spec "Logical Operators").
    const decisive = op === '||';
    let leftError: unknown;
    try {
      if (asBool(evaluate(leftNode, scope), `left of ${op}`) === decisive) return decisive;
    } catch (error) {
      leftError = error;
    }
    const right = asBool(evaluate(rightNode, scope), `right of ${op}`);
    if (right === decisive) return decisive;
    if (leftError !== undefined) throw leftError;
    return !decisive;
  }
  const left = evaluate(leftNode, scope);
  const right = evaluate(rightNode, scope);
  switch (op) {
    case '==':
      return celEquals(left, right);
    case '!=':
      return !celEquals(left, right);
    case '<':
    case '<=':
    case '>':
    case '>=':
      return compare(left, right, op);
    case 'in':
      if (Array.isArray(right)) return right.some((item) => celEquals(item, left));
      if (isMap(right)) return asString(left, 'key of in') in right;
      throw new CelEvaluationError(`no such overload: ${typeName(left)} in ${typeName(right)}`);
    case '+':
      if (typeof left === 'number' && typeof right === 'number') return left + right;
      if (typeof left === 'string' && typeof right === 'string') return left + right;
      if (Array.isArray(left) && Array.isArray(right)) return [...left, ...right];
      throw new CelEvaluationError(`no such overload: ${typeName(left)} + ${typeName(right)}`);
    default: {
      if (typeof left !== 'number' || typeof right !== 'number') throw new CelEvaluationError(`no such overload: ${typeName(left)} ${op} ${typeName(right)}`);
      if ((op === '/' || op === '%') && right === 0) throw new CelEvaluationError(op === '/' ? 'division by zero' : 'modulus by zero');
      const integers = Number.isInteger(left) && Number.isInteger(right);
      if (op === '-') return left - right;
      if (op === '*') return left * right;
      if (op === '/') return integers ? Math.trunc(left / right) : left / right;
      return left % right;
    }
  }
}

function size(value: CelValue): number {
  if (typeof value === 'string') return [...value].length;
  if (Array.isArray(value)) return value.length;
  if (isMap(value)) return Object.keys(value).length;
  throw new CelEvaluationError(`no such overload: size(${typeName(value)})`);
}

function macroVariable(node: Node): string {
  if (node.kind !== 'ident') throw new CelEvaluationError('macro variable must be an identifier');
  return node.name;
}

function evaluateCall(node: Extract<Node, { kind: 'call' }>, scope: Scope): CelValue {
  const { name, args } = node;
  if (node.target === undefined) {
    if (name === 'has') {
      const field = args[0];
      if (args.length !== 1 || field === undefined || field.kind !== 'select') throw new CelEvaluationError('has() takes one field selection');
      const target = evaluate(field.target, scope);
      return isMap(target) && field.field in target;
    }
    const values = args.map((arg) => evaluate(arg, scope));
    const value = values[0] as CelValue;
    switch (name) {
      case 'size':
        return size(value);
      case 'int':
      case 'uint': {
        const n = typeof value === 'string' ? Number(value) : value;
        if (typeof n !== 'number' || Number.isNaN(n)) throw new CelEvaluationError(`cannot convert ${typeName(value)} to int`);
        return Math.trunc(n);
      }
      case 'double':
        if (typeof value !== 'number' && typeof value !== 'string') throw new CelEvaluationError(`cannot convert ${typeName(value)} to double`);
        return Number(value);
      case 'string':
        return typeof value === 'string' ? value : JSON.stringify(value);
      case 'bool':
        if (typeof value === 'boolean') return value;
        if (value === 'true' || value === 'false') return value === 'true';
        throw new CelEvaluationError(`cannot convert ${typeName(value)} to bool`);
      default:
        return new RegExp(asString(values[1] as CelValue, 'pattern'), 'u').test(asString(value, 'matches target'));
    }
  }
  const receiver = evaluate(node.target, scope);
  if (MACROS.has(name)) {
    if (!Array.isArray(receiver) && !isMap(receiver)) throw new CelEvaluationError(`${name}() needs a list or map, got ${typeName(receiver)}`);
    const items: CelValue[] = Array.isArray(receiver) ? receiver : Object.keys(receiver);
    const variable = macroVariable(args[0] as Node);
    const bind = (item: CelValue) => new Map(scope).set(variable, item);
    const predicate = (item: CelValue, at = 1) => asBool(evaluate(args[at] as Node, bind(item)), `${name}() predicate`);
    switch (name) {
      case 'all':
        return items.every((item) => predicate(item));
      case 'exists':
        return items.some((item) => predicate(item));
      case 'exists_one':
        return items.filter((item) => predicate(item)).length === 1;
      case 'filter':
        return items.filter((item) => predicate(item));
      default:
        return args.length === 3
          ? items.filter((item) => predicate(item)).map((item) => evaluate(args[2] as Node, bind(item)))
          : items.map((item) => evaluate(args[1] as Node, bind(item)));
    }
  }
  const values = args.map((arg) => evaluate(arg, scope));
  const first = values[0] as CelValue;
  switch (name) {
    case 'size':
      return size(receiver);
    case 'startsWith':
      return asString(receiver, 'receiver').startsWith(asString(first, 'argument'));
    case 'endsWith':
      return asString(receiver, 'receiver').endsWith(asString(first, 'argument'));
    case 'contains':
      return asString(receiver, 'receiver').includes(asString(first, 'argument'));
    case 'matches':
      return new RegExp(asString(first, 'pattern'), 'u').test(asString(receiver, 'receiver'));
    case 'lowerAscii':
      return asString(receiver, 'receiver').replace(/[A-Z]/g, (c) => c.toLowerCase());
    case 'upperAscii':
      return asString(receiver, 'receiver').replace(/[a-z]/g, (c) => c.toUpperCase());
    case 'trim':
      return asString(receiver, 'receiver').trim();
    case 'split':
      return asString(receiver, 'receiver').split(asString(first, 'separator'));
    default:
      return asString(receiver, 'receiver').indexOf(asString(first, 'argument'));
  }
}

/** A compiled rule. `references` tells transition rules (those naming `oldSelf`) apart. */
export class CelExpression {
  private constructor(
    readonly source: string,
    private readonly root: Node,
    readonly referencesOldSelf: boolean,
  ) {}

  static compile(source: string): CelExpression {
    const root = new Parser(tokenize(source)).parse();
    return new CelExpression(source, root, /\boldSelf\b/.test(source));
  }

  evaluate(variables: Readonly<Record<string, CelValue>>): CelValue {
    return evaluate(this.root, new Map(Object.entries(variables)));
  }
}

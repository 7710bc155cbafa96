// The Dockerfile lint that `npm test` runs: dockerfile-utils' validator (syntax, arguments,
// flags, deprecated instructions) plus the rules this project holds its images to, which no
// linter on npm checks. A rule is a function over the parsed stages; each has a failing
// fixture in dockerfile-lint.spec.ts proving it can fail.
//
// Published targets are the stages that become images someone runs (by default the last
// stage). Rules about the running process (user, labels, entrypoint) follow a target's
// chain of `FROM <stage>` back to its base image, as the builder does.
import { DockerfileParser, type Flag, type Instruction, type Property } from 'dockerfile-ast';
import { validate, ValidationSeverity } from 'dockerfile-utils';

export interface DockerfileFinding {
  readonly file: string;
  /** 1-based. */
  readonly line: number;
  readonly rule: DockerfileRule;
  readonly message: string;
}

export type DockerfileRule =
  | 'validator'
  | 'pinned-base-image'
  | 'no-add'
  | 'no-secret-in-image'
  | 'exec-form-entrypoint'
  | 'numeric-non-root-user'
  | 'oci-labels';

export interface DockerfileLintOptions {
  readonly file: string;
  /** Stage names that are shipped as images; default: the last stage. */
  readonly publishedTargets?: readonly string[];
}

/** Labels every published image carries (OCI image-spec annotations). */
export const REQUIRED_OCI_LABELS = Object.freeze([
  'org.opencontainers.image.source',
  'org.opencontainers.image.version',
  'org.opencontainers.image.licenses',
  'org.opencontainers.image.title',
]);

interface Stage {
  readonly name: string | undefined;
  readonly index: number;
  /** Base image reference with ARG defaults substituted, or the stage it builds on. */
  readonly base: string;
  readonly fromLine: number;
  readonly instructions: readonly Instruction[];
}

const SECRET_NAME = /(PASSWORD|PASSWD|SECRET|TOKEN|API_?KEY|PRIVATE_?KEY|CREDENTIAL)/i;
const NUMERIC_NON_ROOT_USER = /^[1-9]\d*(:[1-9]\d*)?$/;

function lineOf(instruction: Instruction): number {
  return instruction.getRange().start.line + 1;
}

function propertiesOf(instruction: Instruction): Property[] {
  const withProperties = instruction as Instruction & { getProperties?: () => Property[] };
  return typeof withProperties.getProperties === 'function' ? withProperties.getProperties() : [];
}

function substitute(text: string, variables: ReadonlyMap<string, string>): string {
  return text.replace(/\$\{?([A-Za-z_][A-Za-z0-9_]*)\}?/g, (whole, name: string) => variables.get(name) ?? whole);
}

function parseStages(content: string): { stages: Stage[]; globalArgs: Map<string, string> } {
  const instructions = DockerfileParser.parse(content).getInstructions();
  const globalArgs = new Map<string, string>();
  const stages: Array<{ name: string | undefined; index: number; base: string; fromLine: number; instructions: Instruction[] }> = [];
  for (const instruction of instructions) {
    const keyword = instruction.getKeyword();
    if (keyword === 'FROM') {
      const args = (instruction.getArgumentsContent() ?? '').split(/\s+/).filter((word) => !word.startsWith('--'));
      const asIndex = args.findIndex((word) => word.toUpperCase() === 'AS');
      stages.push({
        name: asIndex === -1 ? undefined : args[asIndex + 1],
        index: stages.length,
        base: substitute(args[0] ?? '', globalArgs),
        fromLine: lineOf(instruction),
        instructions: [],
      });
    } else if (stages.length === 0) {
      if (keyword === 'ARG') for (const property of propertiesOf(instruction)) globalArgs.set(property.getName(), property.getValue() ?? '');
    } else {
      stages[stages.length - 1]?.instructions.push(instruction);
    }
  }
  return { stages, globalArgs };
}

/** The target and every stage it builds on, target first. */
function stageChain(stages: readonly Stage[], target: Stage): Stage[] {
  const chain = [target];
  let current = target;
  for (;;) {
    const parent = stages.find((stage) => stage.name !== undefined && stage.name === current.base && stage.index < current.index);
    if (parent === undefined) return chain;
    chain.push(parent);
    current = parent;
  }
}

export function lintDockerfile(content: string, options: DockerfileLintOptions): DockerfileFinding[] {
  const { file } = options;
  const findings: DockerfileFinding[] = [];
  const report = (line: number, rule: DockerfileRule, message: string) => findings.push({ file, line, rule, message });

  for (const diagnostic of validate(content)) {
    if (diagnostic.severity === ValidationSeverity.ERROR || diagnostic.severity === ValidationSeverity.WARNING) {
      report(diagnostic.range.start.line + 1, 'validator', typeof diagnostic.message === 'string' ? diagnostic.message : diagnostic.message.value);
    }
  }

  const { stages } = parseStages(content);
  const stageNames = new Set(stages.map((stage) => stage.name).filter((name): name is string => name !== undefined));
  for (const stage of stages) {
    if (!stageNames.has(stage.base) && stage.base !== 'scratch') {
      const reference = stage.base;
      const digest = reference.includes('@sha256:');
      const lastSegment = reference.split('/').pop() ?? '';
      const tag = lastSegment.includes(':') ? lastSegment.split(':').pop() : undefined;
      if (reference.includes('$')) report(stage.fromLine, 'pinned-base-image', `base image "${reference}" uses a build argument without a default`);
      else if (!digest && (tag === undefined || tag === 'latest')) report(stage.fromLine, 'pinned-base-image', `base image "${reference}" must name a version tag or a digest, never latest`);
    }
    for (const instruction of stage.instructions) {
      const keyword = instruction.getKeyword();
      if (keyword === 'ADD') report(lineOf(instruction), 'no-add', 'use COPY: ADD fetches URLs and unpacks archives implicitly');
      if (keyword === 'ENV' || keyword === 'ARG') {
        for (const property of propertiesOf(instruction)) {
          if (SECRET_NAME.test(property.getName())) report(lineOf(instruction), 'no-secret-in-image', `${keyword} ${property.getName()} would bake a secret into the image history; pass it at run time`);
        }
      }
      if ((keyword === 'ENTRYPOINT' || keyword === 'CMD') && !(instruction.getRawArgumentsContent() ?? '').trim().startsWith('[')) {
        report(lineOf(instruction), 'exec-form-entrypoint', `${keyword} must use the JSON exec form, so the process is PID 1 and receives SIGTERM itself`);
      }
    }
  }

  const last = stages[stages.length - 1];
  const targets = options.publishedTargets ?? (last?.name !== undefined ? [last.name] : []);
  for (const targetName of targets) {
    const target = stages.find((stage) => stage.name === targetName) ?? (targetName === '' ? last : undefined);
    if (target === undefined) {
      report(1, 'oci-labels', `published target "${targetName}" is not a stage of this Dockerfile`);
      continue;
    }
    const chain = stageChain(stages, target);
    const chainInstructions = chain.slice().reverse().flatMap((stage) => stage.instructions);
    const runsCode = chain[chain.length - 1]?.base !== 'scratch';
    if (runsCode) {
      const user = chainInstructions.filter((instruction) => instruction.getKeyword() === 'USER').pop();
      const value = (user?.getArgumentsContent() ?? '').trim();
      if (!NUMERIC_NON_ROOT_USER.test(value)) {
        report(user === undefined ? target.fromLine : lineOf(user), 'numeric-non-root-user', `target "${targetName}" must run as a numeric non-root USER (uid or uid:gid), so runAsNonRoot can verify it; found "${value || 'none'}"`);
      }
    }
    const labels = new Set(chainInstructions.filter((instruction) => instruction.getKeyword() === 'LABEL').flatMap((instruction) => propertiesOf(instruction).map((property) => property.getName())));
    const missing = REQUIRED_OCI_LABELS.filter((label) => !labels.has(label));
    if (missing.length > 0) report(target.fromLine, 'oci-labels', `target "${targetName}" lacks the labels ${missing.join(', ')}`);
  }
  return findings;
}

/** Stage names of a Dockerfile, in order (unnamed stages are left out). */
export function dockerfileStageNames(content: string): string[] {
  return parseStages(content)
    .stages.map((stage) => stage.name)
    .filter((name): name is string => name !== undefined);
}

/** The instructions of one stage ('' = the last) as `KEYWORD arguments` (continuations joined). */
export function stageInstructions(content: string, stageName: string): Array<{ keyword: string; arguments: string }> {
  const { stages } = parseStages(content);
  const stage = stageName === '' ? stages[stages.length - 1] : stages.find((candidate) => candidate.name === stageName);
  if (stage === undefined) throw new Error(`no stage "${stageName}"`);
  return stage.instructions.map((instruction) => ({ keyword: instruction.getKeyword(), arguments: (instruction.getArgumentsContent() ?? '').replace(/\\\n\s*/g, '') }));
}

export interface ImageRuntime {
  /** ENTRYPOINT in exec form. */
  readonly entrypoint: readonly string[];
  /** ENV of the target and the stages it builds on (later wins). */
  readonly env: Readonly<Record<string, string>>;
  readonly user: string | undefined;
  /** The target's own COPY instructions: `--from` stage, sources and destination. */
  readonly copies: ReadonlyArray<{ from: string | undefined; sources: string[]; destination: string }>;
}

/** How a published target starts: what the runtime-image spec reproduces outside a container. */
export function imageRuntime(content: string, targetName: string): ImageRuntime {
  const { stages } = parseStages(content);
  const target = stages.find((stage) => stage.name === targetName);
  if (target === undefined) throw new Error(`no stage "${targetName}"`);
  const chainInstructions = stageChain(stages, target)
    .reverse()
    .flatMap((stage) => stage.instructions);
  const env: Record<string, string> = {};
  let entrypoint: string[] = [];
  let user: string | undefined;
  for (const instruction of chainInstructions) {
    const keyword = instruction.getKeyword();
    if (keyword === 'ENV') for (const property of propertiesOf(instruction)) env[property.getName()] = property.getValue() ?? '';
    if (keyword === 'ENTRYPOINT') entrypoint = JSON.parse(instruction.getRawArgumentsContent() ?? '[]') as string[];
    if (keyword === 'USER') user = (instruction.getArgumentsContent() ?? '').trim();
  }
  const copies = target.instructions
    .filter((instruction) => instruction.getKeyword() === 'COPY')
    .map((instruction) => {
      const flags = (instruction as Instruction & { getFlags?: () => Flag[] }).getFlags?.() ?? [];
      const from = flags.find((flag) => flag.getName() === 'from')?.getValue() ?? undefined;
      const paths = (instruction.getArgumentsContent() ?? '').split(/\s+/).filter((word) => word !== '');
      return { from, sources: paths.slice(0, -1), destination: paths[paths.length - 1] ?? '' };
    });
  return { entrypoint, env, user, copies };
}

// Decides whether a concrete resource URI belongs to an RFC 6570 URI template, so a
// `resources/read` of a templated resource reaches the server that published the template.
// Only membership is needed (the upstream expands and parses its own template), so each
// template is compiled once, when a snapshot arrives, into one anchored regular expression.
// Never used to extract variable values.

/** What each RFC 6570 operator (section 3.2) can expand to, as a regular expression. */
function operatorPattern(operator: string): string {
  switch (operator) {
    case '+': // reserved expansion: reserved characters (including '/') pass through
      return '.*';
    case '#': // fragment expansion
      return '(?:#.*)?';
    case '/': // path segments: zero or more "/value"
      return '(?:/[^/?#]*)*';
    case '.': // label expansion
      return '(?:\\.[^/?#]*)*';
    case ';': // path-style parameters
      return '(?:;[^/?#]*)*';
    case '?': // form-style query
      return '(?:\\?[^#]*)?';
    case '&': // query continuation
      return '(?:&[^#]*)?';
    default: // simple string expansion percent-encodes reserved characters ('/', '?', '#', ...)
      return '[^/?#]*';
  }
}

function escapeLiteral(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

export class UriTemplatePattern {
  /** The template text before its first expression: used to order overlapping templates. */
  readonly literalPrefix: string;
  private readonly pattern: RegExp;

  constructor(readonly template: string) {
    let source = '^';
    let literalPrefix: string | undefined;
    let rest = template;
    for (;;) {
      const open = rest.indexOf('{');
      const close = open === -1 ? -1 : rest.indexOf('}', open);
      if (open === -1 || close === -1) {
        source += escapeLiteral(rest);
        literalPrefix ??= template;
        break;
      }
      source += escapeLiteral(rest.slice(0, open));
      literalPrefix ??= template.slice(0, template.length - rest.length + open);
      const expression = rest.slice(open + 1, close);
      const operator = expression.charAt(0);
      source += operatorPattern('+#/.;?&'.includes(operator) && operator !== '' ? operator : '');
      rest = rest.slice(close + 1);
    }
    this.literalPrefix = literalPrefix;
    this.pattern = new RegExp(`${source}$`, 's');
  }

  matches(uri: string): boolean {
    return this.pattern.test(uri);
  }
}

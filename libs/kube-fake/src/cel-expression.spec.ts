import { describe, expect, it } from '@jest/globals';
import { CelEvaluationError, CelExpression, CelSyntaxError, type CelValue } from './cel-expression';

const evaluate = (rule: string, self: unknown, oldSelf?: unknown): unknown =>
  CelExpression.compile(rule).evaluate(oldSelf === undefined ? { self: self as CelValue } : { self: self as CelValue, oldSelf: oldSelf as CelValue });

describe('CEL subset used by CRD validation rules', () => {
  it.each([
    ['self == oldSelf', 'a', 'a', true],
    ['self == oldSelf', 'a', 'b', false],
    ['self == oldSelf', { x: [1, 2] }, { x: [1, 2] }, true],
    ["self.matches('^[a-z]+$')", 'abc', undefined, true],
    ['self.size() <= 3 && size(self) >= 1', 'abcd', undefined, false],
    ['has(self.a) ? self.a > 1 : true', {}, undefined, true],
    ['!has(self.a) || self.a.startsWith("x")', { a: 'xy' }, undefined, true],
    ["self.all(x, x.name != '')", [{ name: 'a' }, { name: 'b' }], undefined, true],
    ['self.exists_one(x, x > 2)', [1, 3, 5], undefined, false],
    ['self.map(x, x * 2)[1] == 4', [1, 2], undefined, true],
    ['self.filter(x, x % 2 == 1).size() == 2', [1, 2, 3], undefined, true],
    ["'b' in self && !('z' in self)", ['a', 'b'], undefined, true],
    ['self.kind in ["Gateway", "Service"]', { kind: 'Gateway' }, undefined, true],
    ['7 / 2 == 3 && 2 + 3 * 4 == 14 && -(1) < 0', null, undefined, true],
    ['self.lowerAscii() == "mixed" && self.split("x").size() == 2', 'MixeD', undefined, true],
  ])('%s with self=%j, oldSelf=%j → %s', (rule, self, oldSelf, expected) => {
    expect(evaluate(rule, self, oldSelf)).toBe(expected);
  });

  it('absorbs an error on the undecided side of || and &&, as CEL requires', () => {
    expect(evaluate('self.missing == 1 || true', {})).toBe(true);
    expect(evaluate('false && self.missing == 1', {})).toBe(false);
    expect(() => evaluate('self.missing == 1 || false', {})).toThrow(CelEvaluationError);
  });

  it('marks rules that name oldSelf as transition rules', () => {
    expect(CelExpression.compile('self == oldSelf').referencesOldSelf).toBe(true);
    expect(CelExpression.compile('self.size() > 0').referencesOldSelf).toBe(false);
  });

  it('refuses syntax and functions outside the subset at compile time', () => {
    expect(() => CelExpression.compile('self.size ~ 2')).toThrow(CelSyntaxError);
    expect(() => CelExpression.compile('self.quantity().isGreaterThan(1)')).toThrow('unsupported function quantity()');
    expect(() => CelExpression.compile('url(self)')).toThrow(CelSyntaxError);
  });
});

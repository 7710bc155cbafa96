import { describe, expect, it } from '@jest/globals';
import { RESULTS_END_MARKER, RESULTS_START_MARKER, replaceResultsSection } from './markdown-report';

describe('replaceResultsSection', () => {
  it('replaces only what lies between the markers', () => {
    const document = `# Benchmarks\n\nprose before\n\n${RESULTS_START_MARKER}\nold table\n${RESULTS_END_MARKER}\n\nprose after\n`;
    const updated = replaceResultsSection(document, `${RESULTS_START_MARKER}\nnew table\n${RESULTS_END_MARKER}`);
    expect(updated).toBe(`# Benchmarks\n\nprose before\n\n${RESULTS_START_MARKER}\nnew table\n${RESULTS_END_MARKER}\n\nprose after\n`);
  });

  it('appends a results section to a document without markers', () => {
    const updated = replaceResultsSection('# Benchmarks\n\nprose\n', `${RESULTS_START_MARKER}\nt\n${RESULTS_END_MARKER}`);
    expect(updated).toBe(`# Benchmarks\n\nprose\n\n## Results\n\n${RESULTS_START_MARKER}\nt\n${RESULTS_END_MARKER}\n`);
  });
});

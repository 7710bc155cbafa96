// Every file the delivery generator owns, rendered in memory: the chart's RBAC rules and
// values schema, and the OLM bundle and catalog. `generate-delivery.ts` writes them; the
// delivery specs compare them with the committed files, so a change to a source (CRDs, RBAC,
// chart templates, version) that was not regenerated fails `npm test`.
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { chartValuesSchema } from './chart-values-schema';
import { CHART_RBAC_FILE, OPERATOR_RBAC_SOURCE, renderChartRbacRules } from './chart-rbac-rules';
import { REPOSITORY_ROOT } from './helm-binary';

export const GENERATE_DELIVERY_COMMAND = 'node --import tsx scripts/delivery/generate-delivery.ts';
export const CHART_DIRECTORY = 'charts/mcp-gateway';
export const CHART_VALUES_SCHEMA_FILE = `${CHART_DIRECTORY}/values.schema.json`;

export interface DeliveryFile {
  /** Relative to the repository root. */
  readonly path: string;
  readonly content: string;
}

/** The chart's generated files; they must be on disk before the chart is rendered for OLM. */
export async function renderChartFiles(): Promise<DeliveryFile[]> {
  const roleYaml = await readFile(path.join(REPOSITORY_ROOT, OPERATOR_RBAC_SOURCE), 'utf8');
  return [
    { path: CHART_RBAC_FILE, content: renderChartRbacRules(roleYaml) },
    { path: CHART_VALUES_SCHEMA_FILE, content: `${JSON.stringify(chartValuesSchema(), null, 2)}\n` },
  ];
}

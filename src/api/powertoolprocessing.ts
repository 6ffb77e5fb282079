import { z } from 'zod';
import { conditions, dnsLabel, dnsSubdomain, duration, kindHeader, labelSelector, type CrdPresentation } from './meta.ts';

export const powerToolProcessingSpec = z
  .object({
    source: z
      .object({
        powerTool: dnsSubdomain.optional().describe('One PowerTool by name, in this namespace.'),
        selector: labelSelector.optional().describe('PowerTools in this namespace whose labels match.'),
        tool: dnsLabel.optional().describe('Every PowerTool in this namespace that runs this tool.'),
      })
      .meta({
        'x-kubernetes-validations': [
          { rule: 'has(self.powerTool) || has(self.selector) || has(self.tool)', message: 'source needs powerTool, selector or tool' },
        ],
      })
      .describe('Which PowerTools to process; the conditions given are ANDed.'),
    trigger: z
      .object({
        onCompletion: z.boolean().default(true).describe('Process each PowerTool once, when it has finished.'),
        schedule: z
          .object({
            interval: duration('Process the runs finished in each period of this length.').optional(),
            cron: z
              .string()
              .regex(/^(\S+\s+){4}\S+$/)
              .max(128)
              .optional()
              .describe('A five-field cron expression (UTC); each firing processes the runs finished since the previous one.'),
          })
          .meta({
            'x-kubernetes-validations': [
              { rule: 'has(self.interval) != has(self.cron)', message: 'schedule needs exactly one of interval or cron' },
            ],
          })
          .optional()
          .describe('Also process on a schedule, aggregating the runs of each period into one report.'),
      })
      .default({ onCompletion: true })
      .describe('When to process.'),
    report: z
      .object({
        enabled: z.boolean().default(true).describe('Build an HTML report.'),
        retention: z
          .object({
            maxReports: z.number().int().min(1).max(10000).default(50).describe('Keep at most this many reports; the oldest go first.'),
            maxAge: duration('Delete reports older than this.').optional(),
          })
          .default({ maxReports: 50 })
          .describe('How long reports are kept.'),
        expose: z
          .object({
            ingress: z
              .object({
                host: dnsSubdomain.describe('The host name the Ingress answers for.'),
                path: z
                  .string()
                  .regex(/^\/[A-Za-z0-9._~/-]*$/)
                  .max(256)
                  .default('/')
                  .describe('The path prefix reports are served under.'),
                className: dnsSubdomain.optional().describe('The IngressClass to use; the cluster default when omitted.'),
                tlsSecretName: dnsSubdomain.optional().describe('A TLS Secret in this namespace; HTTPS when set.'),
              })
              .describe('Expose the reports through an Ingress owned by this object.'),
          })
          .optional()
          .describe('How people reach the reports.'),
      })
      .default({ enabled: true, retention: { maxReports: 50 } })
      .describe('The HTML report.'),
    analysis: z
      .object({
        provider: z.enum(['ollama']).default('ollama').describe('The LLM provider.'),
        endpoint: z
          .string()
          .regex(/^https?:\/\/[^\s]+$/)
          .max(512)
          .describe('The Ollama base URL, e.g. http://ollama.ollama.svc:11434.'),
        model: z.string().min(1).max(256).describe('The model name as Ollama knows it.'),
        timeout: duration('How long one request may take.').default('60s'),
        retries: z.number().int().min(0).max(5).default(1).describe('Further attempts after a failed or invalid answer.'),
        maxInputTokens: z.number().int().min(256).max(1_000_000).default(4096).describe('The evidence is cut to fit this token budget.'),
        anonymize: z.boolean().default(false).describe('Replace pod, namespace and node names with stable placeholders before sending.'),
      })
      .optional()
      .describe('Root-cause analysis by an LLM through Ollama; without it the deterministic findings still appear.'),
  })
  .describe('Turn what PowerTools collected into HTML reports and, optionally, a root-cause analysis.');
export type PowerToolProcessingSpec = z.infer<typeof powerToolProcessingSpec>;

export const reportRecord = z
  .object({
    id: z.string().max(128).describe("The report's stable id (the run it covers); a second report for the same run is never made."),
    url: z.string().max(1024).optional().describe('Where the report is served.'),
    powerTools: z.array(z.string()).max(1000).describe('The PowerTools it covers.'),
    generatedAt: z.string().describe('When it was built (RFC 3339).'),
    finishedAt: z
      .string()
      .optional()
      .describe('When the newest run it covers finished, or its period ended (RFC 3339); retention orders reports by it.'),
    findings: z.number().int().min(0).describe('How many findings it has.'),
    analysis: z.enum(['None', 'Succeeded', 'Failed']).optional().describe('Whether the LLM analysis ran and how it ended.'),
  })
  .describe('One report.');
export type ReportRecord = z.infer<typeof reportRecord>;

export const powerToolProcessingStatus = z
  .object({
    observedGeneration: z.number().int().min(0).optional().describe('The generation the status describes.'),
    conditions: conditions.optional(),
    lastRunAt: z.string().optional().describe('When processing last ran (RFC 3339).'),
    nextRunAt: z.string().optional().describe('When the schedule fires next (RFC 3339).'),
    reports: z
      .array(reportRecord)
      .max(10000)
      .optional()
      .meta({ 'x-kubernetes-list-type': 'map', 'x-kubernetes-list-map-keys': ['id'] })
      .describe('The reports kept, newest last.'),
  })
  .describe('What has been processed.');

export const powerToolProcessing = z
  .object({
    ...kindHeader('PowerToolProcessing'),
    spec: powerToolProcessingSpec,
    status: powerToolProcessingStatus.optional(),
  })
  .describe('PowerToolProcessing: build reports and root-cause analyses from what PowerTools collected.');
export type PowerToolProcessing = z.infer<typeof powerToolProcessing>;

export const powerToolProcessingPresentation: CrdPresentation = {
  plural: 'powertoolprocessings',
  singular: 'powertoolprocessing',
  shortNames: ['ptp'],
  categories: ['toe'],
  printerColumns: [
    { name: 'Ready', type: 'string', jsonPath: '.status.conditions[?(@.type=="Ready")].status', description: 'Whether processing works.' },
    { name: 'Last Report', type: 'string', jsonPath: '.status.reports[-1:].url', description: 'The newest report.', priority: 1 },
    { name: 'Last Run', type: 'date', jsonPath: '.status.lastRunAt', description: 'When processing last ran.' },
    { name: 'Age', type: 'date', jsonPath: '.metadata.creationTimestamp', description: 'Time since creation.' },
  ],
};

/** `npm run gen:report-schema`: writes report.v1.schema.json from the zod schema in document.ts. */
import { writeFileSync } from 'node:fs';
import { reportJsonSchema } from './document.ts';

const file = new URL('./report.v1.schema.json', import.meta.url);
writeFileSync(file, `${JSON.stringify(reportJsonSchema(), null, 2)}\n`);
process.stdout.write(`wrote ${file.pathname}\n`);

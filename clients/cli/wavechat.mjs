#!/usr/bin/env node
// The `wavechat` bin. The project ships TypeScript sources, not a build, so this registers tsx (a dependency) as
// the loader for the rest of the CLI, then runs it.
import { register } from 'tsx/esm/api';

register();
const { main } = await import('./main.ts');
process.exit(await main(process.argv.slice(2)));

// bicep/ holds together: compiled with the Bicep CLI when one is installed; always checked for
// structure (modules exist and get the parameters they declare, .bicepparam files assign only
// declared parameters, every endpoint is an output, role definition ids are the built-in roles).
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { REPO_ROOT } from '../support/processes.js';
import {
  assignedParams,
  declaredOutputs,
  declaredParams,
  loadedFiles,
  moduleParams,
  moduleReferences,
  readBicep,
  type BicepFile,
} from './support/bicep-source.js';

const ENVIRONMENTS = ['dev', 'prod'];
const MAIN = 'bicep/main.bicep';

/** The endpoints a client or an operator needs after a deployment. */
const REQUIRED_OUTPUTS = ['apiUrl', 'staticWebAppUrl', 'acrLoginServer', 'aksName', 'eventHubsKafkaEndpoint', 'grafanaUrl', 'keyVaultUri'];

/** Built-in Azure role definition ids the templates may assign, by name. */
const BUILT_IN_ROLES: Record<string, string> = {
  '4633458b-17de-408a-b874-0445c86b69e6': 'Key Vault Secrets User',
  'b86a8fe4-44ce-4948-aee5-eccb2c155cd7': 'Key Vault Secrets Officer',
  '7f951dda-4ed3-4680-a7ca-43fe172d538d': 'AcrPull',
  '2b629674-e913-4c01-ae53-ef4638d8f975': 'Azure Event Hubs Data Sender',
  'a638d3c7-ab3a-418d-83e6-5f17a39d4fde': 'Azure Event Hubs Data Receiver',
  '3913510d-42f4-4e42-8a64-420c390055eb': 'Monitoring Metrics Publisher',
  'b0d8363b-8ddd-447d-831f-62ca05bff136': 'Monitoring Data Reader',
  '22926164-76b3-42b3-bc55-97df8dab3e41': 'Grafana Admin',
  'b7e6dc6d-f1e8-4753-8033-0f276bb0955b': 'Storage Blob Data Owner',
  '4d97b98b-1d4f-4787-a291-c67834d212e7': 'Network Contributor',
  'b1ff04bb-8a4e-4dc4-8eb5-8693973ce19b': 'Azure Kubernetes Service RBAC Cluster Admin',
};

const bicepFiles = () => [MAIN, ...readdirSync(join(REPO_ROOT, 'bicep/modules')).filter((f) => f.endsWith('.bicep')).map((f) => `bicep/modules/${f}`)];

/** A Bicep CLI, standalone or through az, if this machine has one. */
function bicepCompiler(): { command: string[]; reason?: undefined } | { command?: undefined; reason: string } {
  if (spawnSync('bicep', ['--version']).status === 0) return { command: ['bicep', 'build', '--stdout'] };
  if (spawnSync('az', ['bicep', 'version']).status === 0) return { command: ['az', 'bicep', 'build', '--stdout', '--file'] };
  return {
    reason:
      'no Bicep CLI here (neither `bicep` nor `az bicep`), and none can be had offline: npm has no Bicep compiler ' +
      '(bicep-node downloads the CLI from GitHub at run time), Debian packages none, and the NuGet build is out of reach',
  };
}

describe('bicep: compilation', () => {
  const compiler = bicepCompiler();
  if (compiler.reason) console.log(`Bicep compilation skipped: ${compiler.reason}. The structure of bicep/ is checked below instead.`);

  it.skipIf(!compiler.command)('bicep/main.bicep and the .bicepparam files compile', () => {
    for (const file of [MAIN, ...ENVIRONMENTS.map((env) => `bicep/main.${env}.bicepparam`)]) {
      const command = file.endsWith('.bicepparam') ? compiler.command!.map((c) => (c === 'build' ? 'build-params' : c)) : compiler.command!;
      const result = spawnSync(command[0]!, [...command.slice(1), join(REPO_ROOT, file)], {
        encoding: 'utf8',
        env: { ...process.env, DTQ_RABBITMQ_PASSWORD: 'a-password-for-compilation-only' },
      });
      expect(result.status, `${file}: ${result.stderr}`).toBe(0);
    }
  });
});

describe('bicep: structure', () => {
  const main = readBicep(MAIN);

  it('every module main.bicep references exists, and gets exactly the parameters it declares', () => {
    const references = moduleReferences(main);
    expect(references.length).toBeGreaterThan(5);
    for (const { symbol, path } of references) {
      const file = join('bicep', path);
      expect(existsSync(join(REPO_ROOT, file)), `module ${symbol}: ${file}`).toBe(true);
      const module = readBicep(file);
      const declared = declaredParams(module);
      const passed = moduleParams(main, symbol);
      const unknown = [...passed.keys()].filter((name) => !declared.some((p) => p.name === name));
      expect(unknown, `${file} declares no such parameter`).toEqual([]);
      const missing = declared.filter((p) => p.defaultText === undefined && !passed.has(p.name)).map((p) => p.name);
      expect(missing, `module ${symbol} (${file}) needs these parameters`).toEqual([]);
    }
    const unused = readdirSync(join(REPO_ROOT, 'bicep/modules')).filter((f) => !references.some((r) => r.path === `modules/${f}`));
    expect(unused, 'modules nothing deploys').toEqual([]);
  });

  it.each(ENVIRONMENTS)('main.%s.bicepparam uses main.bicep and assigns only declared parameters, all required ones', (env) => {
    const params = readBicep(`bicep/main.${env}.bicepparam`);
    expect(params.text).toMatch(/^using '\.\/main\.bicep'$/m);
    const assigned = assignedParams(params);
    const declared = declaredParams(main);
    expect([...assigned.keys()].filter((name) => !declared.some((p) => p.name === name)), 'not declared in main.bicep').toEqual([]);
    expect(declared.filter((p) => p.defaultText === undefined && !assigned.has(p.name)).map((p) => p.name), 'required, not assigned').toEqual([]);
    expect(assigned.get('environmentName')).toBe(`'${env}'`);
    expect(assigned.get('rabbitmqPassword'), 'secrets come from the environment, never from the file').toMatch(/^readEnvironmentVariable\(/);
  });

  it('outputs every endpoint a newcomer needs', () => {
    const outputs = declaredOutputs(main);
    expect(REQUIRED_OUTPUTS.filter((name) => !outputs.includes(name))).toEqual([]);
  });

  it('loads only files that exist', () => {
    for (const file of bicepFiles()) {
      for (const loaded of loadedFiles(readBicep(file))) {
        const path = join(dirname(file), loaded);
        expect(existsSync(join(REPO_ROOT, path)), `${file} loads ${path}`).toBe(true);
      }
    }
  });

  it('assigns built-in roles by their real ids', () => {
    const ids = (file: BicepFile) => [...file.masked.matchAll(/^var \w+ = '/gm)].map((m) => file.text.slice(m.index + m[0].length).split("'")[0]!);
    const used = bicepFiles().flatMap((file) => ids(readBicep(file)).filter((id) => /^[0-9a-f]{8}-([0-9a-f]{4}-){3}[0-9a-f]{12}$/.test(id)));
    expect(used.length).toBeGreaterThan(5);
    expect(used.filter((id) => !(id in BUILT_IN_ROLES)), 'unknown role definition ids').toEqual([]);
  });

  it('keeps secrets out of outputs and plain parameters', () => {
    for (const file of bicepFiles()) {
      const { text } = readBicep(file);
      expect(text, `${file}: listKeys/listConnectionStrings belong in Key Vault secrets, not outputs`).not.toMatch(/^output .*\blist(Keys|ConnectionStrings)\(/m);
      for (const param of declaredParams(readBicep(file)).filter((p) => /password|secret|key$/i.test(p.name))) {
        expect(text, `${file}: ${param.name} must be @secure()`).toMatch(new RegExp(`@secure\\(\\)\\s*(@[^\\n]*\\n\\s*)*param ${param.name}\\b`));
      }
    }
  });
});

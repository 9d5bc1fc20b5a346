/**
 * Runs DynamoDB Local, the emulator AWS ships, from the jar inside the `amplify-dynamodb-simulator`
 * package: plain `java -jar`, never the package's JS wrapper, and nothing is ever downloaded.
 */
import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { CreateTableCommand, DynamoDBClient, ListTablesCommand } from '@aws-sdk/client-dynamodb';
import {
  auditTableDefinition,
  stateTableDefinition,
  unsubscribeTableDefinition,
} from '../../src/adapters/dynamodb/dynamodb-tables.ts';

const here = dirname(fileURLToPath(import.meta.url));
const EMULATOR = join(here, '../../node_modules/amplify-dynamodb-simulator/emulator');

export interface DynamoDbLocal {
  readonly endpoint: string;
  /** A client pointed at the emulator, with dummy credentials. */
  client(): DynamoDBClient;
  stop(): Promise<void>;
}

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address !== null ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

function assertJava(): void {
  const probe = spawnSync('java', ['-version'], { encoding: 'utf8' });
  if (probe.error !== undefined || probe.status !== 0) {
    throw new Error(
      'DynamoDB Local needs a Java runtime (17+) and `java` was not found on PATH. ' +
        'Install a JRE (CI: e.g. apt-get install openjdk-17-jre-headless or actions/setup-java) ' +
        `to run the DynamoDB adapter tests. (${probe.error?.message ?? probe.stderr})`,
    );
  }
  if (!existsSync(join(EMULATOR, 'DynamoDBLocal.jar'))) {
    throw new Error(
      `DynamoDBLocal.jar not found under ${EMULATOR}: run npm install (amplify-dynamodb-simulator)`,
    );
  }
}

function makeClient(endpoint: string): DynamoDBClient {
  return new DynamoDBClient({
    endpoint,
    region: 'us-east-1',
    credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
    maxAttempts: 1,
  });
}

async function waitUntilReady(
  endpoint: string,
  child: ChildProcess,
  output: () => string,
): Promise<void> {
  const client = makeClient(endpoint);
  const deadline = Date.now() + 90_000;
  try {
    for (;;) {
      if (child.exitCode !== null)
        throw new Error(`DynamoDB Local exited (${child.exitCode}): ${output()}`);
      try {
        await client.send(new ListTablesCommand({}));
        return;
      } catch (error) {
        if (Date.now() > deadline)
          throw new Error(`DynamoDB Local did not answer: ${output()}`, { cause: error });
        await new Promise((resolve) => setTimeout(resolve, 200));
      }
    }
  } finally {
    client.destroy();
  }
}

export async function startDynamoDbLocal(): Promise<DynamoDbLocal> {
  assertJava();
  const port = await freePort();
  const child = spawn(
    'java',
    [
      `-Djava.library.path=${join(EMULATOR, 'DynamoDBLocal_lib')}`,
      '-jar',
      join(EMULATOR, 'DynamoDBLocal.jar'),
      '-inMemory',
      '-port',
      String(port),
    ],
    { cwd: tmpdir(), stdio: ['ignore', 'pipe', 'pipe'] },
  );
  let log = '';
  const keep = (chunk: Buffer) => {
    log = (log + chunk.toString()).slice(-4000);
  };
  child.stdout?.on('data', keep);
  child.stderr?.on('data', keep);
  const endpoint = `http://127.0.0.1:${port}`;
  const clients: DynamoDBClient[] = [];
  try {
    await waitUntilReady(endpoint, child, () => log);
  } catch (error) {
    child.kill('SIGKILL');
    throw error;
  }
  return {
    endpoint,
    client() {
      const client = makeClient(endpoint);
      clients.push(client);
      return client;
    },
    async stop() {
      for (const client of clients) client.destroy();
      if (child.exitCode !== null) return;
      const exited = new Promise((resolve) => child.once('exit', resolve));
      child.kill('SIGTERM');
      await exited;
    },
  };
}

let tableCounter = 0;

export interface TableNames {
  readonly state: string;
  readonly audit: string;
  readonly unsubscribe: string;
}

/** Creates a fresh set of the three tables with unique names, so each test starts empty. */
export async function createTables(client: DynamoDBClient): Promise<TableNames> {
  const suffix = `${process.pid}-${++tableCounter}`;
  const names = {
    state: `cr-state-${suffix}`,
    audit: `cr-audit-${suffix}`,
    unsubscribe: `cr-unsub-${suffix}`,
  };
  await client.send(new CreateTableCommand(stateTableDefinition(names.state)));
  await client.send(new CreateTableCommand(auditTableDefinition(names.audit)));
  await client.send(new CreateTableCommand(unsubscribeTableDefinition(names.unsubscribe)));
  return names;
}

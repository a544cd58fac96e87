import { Command, CommanderError } from 'commander';
import { type App, initApp, openApp, systemActor } from './app.js';
import { registerAuditCommands } from './kernel/audit/audit-cli.js';
import type { Actor } from './kernel/authz/permissions.js';
import {
  type CliContext,
  type CliIo,
  globalsOf,
  osUser,
  printError,
  printResult,
  processIo,
} from './kernel/cli/cli-runtime.js';
import { AppError } from './kernel/errors/app-error.js';
import { createLogger } from './kernel/log/logger.js';
import { registerTokenCommands } from './modules/access/token-cli.js';
import { registerConsentCommands } from './modules/consent/consent-cli.js';
import { registerCustomerCommands } from './modules/customers/customer-cli.js';
import { registerKeyCommands } from './modules/keys/key-cli.js';
import { VERSION } from './version.js';

/** Builds the `custodian` program; every command calls the same services as the API. */
export function buildProgram(io: CliIo): { program: Command; exitCode: () => number } {
  let exitCode = 0;
  const program = new Command('custodian')
    .description('Custodian 客户信息保管系统 — customer-information vault (PIPL)')
    .version(VERSION)
    .option('--data <dir>', '数据目录 / data directory (default ./data or CUSTODIAN_DATA)')
    .option('--db <url>', 'PostgreSQL URL (default: SQLite in the data directory; or DATABASE_URL)')
    .option('--json', '机器可读输出 / machine-readable JSON on stdout')
    .option('--lang <lang>', 'zh | en', process.env.CUSTODIAN_LANG ?? 'zh')
    .showHelpAfterError()
    .exitOverride()
    .configureOutput({ writeOut: (s) => io.stdout(s), writeErr: (s) => io.stderr(s) });

  const ctx: CliContext<App, Actor> = {
    io,
    setExitCode(code) {
      exitCode = code;
    },
    async run(cmd, fn, text) {
      const g = globalsOf(cmd);
      let app: App | undefined;
      try {
        app = await openApp({
          dataDir: g.data,
          dbUrl: g.db,
          logger: createLogger({ level: process.env.CUSTODIAN_LOG_LEVEL ?? 'warn' }),
        });
        const result = await fn(app, systemActor(app.kernel, osUser()), g);
        printResult(io, g, result, text ? (r: never) => text(r, g) : undefined);
      } catch (err) {
        exitCode = printError(io, g, err);
      } finally {
        await app?.close();
      }
    },
  };

  program
    .command('init')
    .description('初始化数据目录：主密钥、数据库、管理员令牌 / initialise a data directory')
    .option('--org-name <name>', '公司名称 / organisation name', '我的公司')
    .option('--passphrase', 'protect the root key with CUSTODIAN_PASSPHRASE instead of a key file')
    .action(async (o, cmd: Command) => {
      const g = globalsOf(cmd);
      try {
        const res = await initApp({
          dataDir: g.data,
          dbUrl: g.db,
          orgName: o.orgName,
          keyProvider: o.passphrase ? 'passphrase' : 'file',
          who: osUser(),
        });
        await res.app.close();
        const out = {
          orgId: res.orgId,
          dataDir: g.data,
          keyProvider: o.passphrase ? 'passphrase' : 'file',
          adminToken: res.adminToken.token,
          adminTokenId: res.adminToken.id,
        };
        printResult(io, g, out, () =>
          [
            `已初始化 / initialised ${g.data} (org ${res.orgId})`,
            o.passphrase
              ? 'root key: derived from CUSTODIAN_PASSPHRASE'
              : `root key: ${g.data}/custodian.key (mode 0600) — back it up apart from the data`,
            `admin API token (shown once): ${res.adminToken.token}`,
          ].join('\n'),
        );
      } catch (err) {
        exitCode = printError(io, g, err);
      }
    });

  program
    .command('serve')
    .description('启动服务（API、控制台）/ start the server')
    .option('--port <n>', 'port', process.env.PORT ?? '8080')
    .option('--host <host>', 'bind address (default loopback only)', '127.0.0.1')
    .option('--init', 'initialise the data directory first if it is empty')
    .action(async (o, cmd: Command) => {
      const g = globalsOf(cmd);
      const logger = createLogger();
      try {
        let app: App;
        let firstToken: string | undefined;
        try {
          app = await openApp({ dataDir: g.data, dbUrl: g.db, logger });
        } catch (err) {
          if (!(o.init && err instanceof AppError && err.code === 'NOT_INITIALISED')) throw err;
          const res = await initApp({ dataDir: g.data, dbUrl: g.db, who: osUser(), logger });
          app = res.app;
          firstToken = res.adminToken.token;
        }
        // Loaded on demand: the HTTP stack is not needed by one-shot CLI commands.
        const { buildHttp } = await import('./http.js');
        const server = await buildHttp(app, logger);
        const address = await server.listen({ port: Number(o.port), host: o.host });
        io.stderr(
          `Custodian 已启动 / listening on ${address}\n  console: ${address}/\n  API docs: ${address}/api/docs\n`,
        );
        if (firstToken)
          io.stderr(
            `  首次启动：管理员 API 令牌（只显示一次）/ first start, admin API token (shown once):\n  ${firstToken}\n`,
          );
        else
          io.stderr(
            '  sign in: use an API token (`custodian token create --role dpo --name me`), as Authorization: Bearer <token>\n',
          );
        const stop = async () => {
          await server.close();
          await app.close();
          process.exit(0);
        };
        process.once('SIGINT', stop);
        process.once('SIGTERM', stop);
        await new Promise(() => {});
      } catch (err) {
        exitCode = printError(io, g, err);
      }
    });

  registerCustomerCommands(program, ctx);
  registerConsentCommands(program, ctx);
  registerAuditCommands(program, ctx);
  registerKeyCommands(program, ctx);
  registerTokenCommands(program, ctx);
  return { program, exitCode: () => exitCode };
}

/** Entry of `bin/custodian`: runs argv and resolves to the exit code. */
export async function runCli(argv: string[], io: CliIo = processIo): Promise<number> {
  const { program, exitCode } = buildProgram(io);
  try {
    await program.parseAsync(argv);
  } catch (err) {
    if (err instanceof CommanderError) {
      if (
        err.code === 'commander.helpDisplayed' ||
        err.code === 'commander.version' ||
        err.code === 'commander.help'
      )
        return 0;
      return 2;
    }
    const json = argv.includes('--json');
    return printError(io, { json, lang: argv.includes('en') ? 'en' : 'zh' }, err);
  }
  return exitCode();
}

import { Command, CommanderError } from 'commander';
import { type App, initApp, openApp, systemActor } from './app.js';
import { registerAuditCommands } from './kernel/audit/audit-cli.js';
import type { Actor } from './kernel/authz/permissions.js';
import {
  type CliContext,
  type CliIo,
  globalsOf,
  integerOption,
  osUser,
  printError,
  printResult,
  processIo,
} from './kernel/cli/cli-runtime.js';
import { AppError } from './kernel/errors/app-error.js';
import { createLogger } from './kernel/log/logger.js';
import { registerTokenCommands } from './modules/access/token-cli.js';
import { registerUserCommands } from './modules/access/user-cli.js';
import { registerConsentCommands } from './modules/consent/consent-cli.js';
import { registerCustomerCommands } from './modules/customers/customer-cli.js';
import { registerDetectCommand } from './modules/detect/detect-cli.js';
import { registerExportCommand } from './modules/export/export-cli.js';
import { registerIngestCommands } from './modules/ingest/ingest-cli.js';
import { registerKeyCommands } from './modules/keys/key-cli.js';
import { registerNoticeCommands } from './modules/notices/notice-cli.js';
import { registerGenerateCommand } from './modules/synthetic/synthetic-cli.js';
import { registerTransferCommands } from './modules/transfer/transfer-cli.js';
import { VERSION } from './version.js';

const PORT_RANGE = { min: 0, max: 65_535 };
const portOption = integerOption('--port', PORT_RANGE);

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
          adminUser: res.adminUser.username,
          // null when the password came from CUSTODIAN_ADMIN_PASSWORD (the caller knows it).
          adminPassword: res.adminUser.generated ? res.adminUser.password : null,
        };
        printResult(io, g, out, () =>
          [
            `已初始化 / initialised ${g.data} (org ${res.orgId})`,
            o.passphrase
              ? 'root key: derived from CUSTODIAN_PASSPHRASE'
              : `root key: ${g.data}/custodian.key (mode 0600) — back it up apart from the data`,
            `admin API token (shown once): ${res.adminToken.token}`,
            res.adminUser.generated
              ? `控制台管理员 / console admin: ${res.adminUser.username}  一次性密码 / one-time password (shown once, change at first sign-in): ${res.adminUser.password}`
              : `控制台管理员 / console admin: ${res.adminUser.username} (password from CUSTODIAN_ADMIN_PASSWORD; change at first sign-in)`,
          ].join('\n'),
        );
      } catch (err) {
        exitCode = printError(io, g, err);
      }
    });

  program
    .command('serve')
    .description('启动服务（API、控制台）/ start the server')
    .option('--port <n>', 'port, 0–65535 (default $PORT or 8080)', portOption)
    .option('--host <host>', 'bind address (default loopback only)', '127.0.0.1')
    .option('--init', 'initialise the data directory first if it is empty (the default)')
    .option('--no-init', 'refuse to start on an uninitialised data directory')
    .action(async (o, cmd: Command) => {
      const g = globalsOf(cmd);
      const logger = createLogger();
      try {
        let app: App;
        let firstToken: string | undefined;
        let firstAdmin: { username: string; password: string; generated: boolean } | undefined;
        try {
          app = await openApp({ dataDir: g.data, dbUrl: g.db, logger });
        } catch (err) {
          if (!(o.init !== false && err instanceof AppError && err.code === 'NOT_INITIALISED')) throw err;
          const res = await initApp({ dataDir: g.data, dbUrl: g.db, who: osUser(), logger });
          app = res.app;
          firstToken = res.adminToken.token;
          firstAdmin = res.adminUser;
        }
        // Loaded on demand: the HTTP stack is not needed by one-shot CLI commands.
        const { buildHttp } = await import('./http.js');
        const server = await buildHttp(app, logger);
        const address = await server.listen({
          port: o.port ?? integerOption('PORT', PORT_RANGE)(process.env.PORT ?? '8080'),
          host: o.host,
        });
        io.stderr(
          `Custodian 已启动 / listening on ${address}\n  console: ${address}/\n  API docs: ${address}/api/docs\n`,
        );
        if (firstToken && firstAdmin) {
          io.stderr(
            `  首次启动：管理员 API 令牌（只显示一次）/ first start, admin API token (shown once):\n  ${firstToken}\n`,
          );
          io.stderr(
            firstAdmin.generated
              ? `  控制台登录 / console sign-in: 用户名 username "${firstAdmin.username}"，一次性密码 one-time password（只显示一次，首次登录须修改 / shown once, change it at first sign-in）:\n  ${firstAdmin.password}\n`
              : `  控制台登录 / console sign-in: "${firstAdmin.username}" with CUSTODIAN_ADMIN_PASSWORD (change it at first sign-in)\n`,
          );
        } else
          io.stderr(
            '  sign in at the console with your user (`custodian user add --username me --role dpo`), or call the API with a token (`custodian token create`) as Authorization: Bearer <token>\n',
          );
        // Notice delivery runs as a job loop inside the server process.
        const stopNotices = app.notices.startLoop();
        const stop = async () => {
          await stopNotices();
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
  registerNoticeCommands(program, ctx);
  registerUserCommands(program, ctx);
  registerIngestCommands(program, ctx);
  registerTransferCommands(program, ctx);
  registerExportCommand(program, ctx);
  registerDetectCommand(program, io, ctx.setExitCode);
  registerGenerateCommand(program, io, ctx.setExitCode);
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

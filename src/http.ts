import type { FastifyInstance } from 'fastify';
import type { App } from './app.js';
import { consoleIndexHtml, consoleStatic } from './console-static.js';
import { auditRoutes } from './kernel/audit/audit-routes.js';
import { buildServer } from './kernel/http/server.js';
import type { Logger } from './kernel/log/logger.js';
import { approvalRoutes } from './modules/access/approval-routes.js';
import { authRoutes } from './modules/access/auth-routes.js';
import { tokenRoutes } from './modules/access/token-routes.js';
import { userRoutes } from './modules/access/user-routes.js';
import { consentRoutes } from './modules/consent/consent-routes.js';
import { customerRoutes } from './modules/customers/customer-routes.js';
import { exportRoutes } from './modules/export/export-routes.js';
import { ingestRoutes } from './modules/ingest/ingest-routes.js';
import { keyRoutes } from './modules/keys/key-routes.js';
import { noticeRoutes } from './modules/notices/notice-routes.js';
import { portalRoutes } from './modules/portal/portal-routes.js';
import { transferRoutes } from './modules/transfer/transfer-routes.js';
import { VERSION } from './version.js';

const CONSOLE_PLACEHOLDER = `<!doctype html>
<html lang="zh-CN"><head><meta charset="utf-8"><title>Custodian 客户信息保管系统</title>
<style>body{font-family:system-ui,"PingFang SC","Microsoft YaHei",sans-serif;max-width:720px;margin:48px auto;color:#1f1f1f}code{background:#f5f5f5;padding:2px 4px}</style></head>
<body><h1>Custodian 客户信息保管系统</h1>
<p>服务已启动。控制台正在建设中；现在可以通过 <a href="/api/docs">API 文档</a> 和命令行 <code>custodian</code> 使用。</p>
<p lang="en">The server is running. The web console is coming; use the <a href="/api/docs">API (OpenAPI)</a> and the <code>custodian</code> CLI meanwhile. API calls take <code>Authorization: Bearer &lt;token&gt;</code>.</p>
</body></html>`;

/** Builds the HTTP server with every module's routes. */
export async function buildHttp(app: App, logger: Logger): Promise<FastifyInstance> {
  const server = await buildServer(
    {
      logger,
      authenticate: (t) => app.tokens.authenticate(t),
      authenticateSession: (id) => app.auth.authenticateSession(id),
      version: VERSION,
      consoleHtml: consoleIndexHtml() ?? CONSOLE_PLACEHOLDER,
    },
    async (api) => {
      await customerRoutes(api, app);
      await consentRoutes(api, app);
      await auditRoutes(api, app.kernel);
      await keyRoutes(api, app);
      await transferRoutes(api, app);
      await tokenRoutes(api, app);
      await authRoutes(api, app);
      await userRoutes(api, app);
      await approvalRoutes(api, app);
      await noticeRoutes(api, app);
      await ingestRoutes(api, app);
      await exportRoutes(api, app);
    },
  );
  // The customer portal: public pages under /portal/* (the notice link is the credential).
  await portalRoutes(server, app.notices.portal);
  await server.register(consoleStatic);
  return server;
}

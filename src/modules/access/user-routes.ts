import type { FastifyInstance } from 'fastify';
import type { App } from '../../app.js';
import type { DataScopeKind } from '../../kernel/authz/permissions.js';
import { actorOf } from '../../kernel/http/server.js';
import type { NewUserInput, UserPatch } from './access-types.js';

const idParam = {
  type: 'object',
  required: ['id'],
  properties: { id: { type: 'string', maxLength: 64 } },
} as const;
const roleList = {
  type: 'array',
  items: { type: 'string', maxLength: 32 },
  minItems: 1,
  maxItems: 10,
} as const;

/** Users (admin) and roles. */
export async function userRoutes(api: FastifyInstance, app: App): Promise<void> {
  api.get('/users', { schema: { tags: ['users'], summary: '用户 / users' } }, async (req) => ({
    items: await app.users.list(actorOf(req)),
  }));

  api.get(
    '/users/directory',
    { schema: { tags: ['users'], summary: '同事名录（用于共享客户）/ colleagues to share customers with' } },
    async (req) => ({ items: await app.users.directory(actorOf(req)) }),
  );

  api.post<{ Body: NewUserInput }>(
    '/users',
    {
      schema: {
        tags: ['users'],
        summary: '添加用户（一次性密码只显示一次）/ add a user (one-time password shown once)',
        body: {
          type: 'object',
          required: ['username', 'displayName', 'roles'],
          additionalProperties: false,
          properties: {
            username: { type: 'string', maxLength: 32 },
            displayName: { type: 'string', maxLength: 100 },
            roles: roleList,
            team: { type: ['string', 'null'], maxLength: 64 },
          },
        },
      },
    },
    async (req, reply) => reply.status(201).send(await app.users.create(actorOf(req), req.body)),
  );

  api.patch<{ Params: { id: string }; Body: UserPatch }>(
    '/users/:id',
    {
      schema: {
        tags: ['users'],
        summary: '修改用户：角色、状态、重置密码 / change roles, status, reset password',
        params: idParam,
        body: {
          type: 'object',
          additionalProperties: false,
          properties: {
            displayName: { type: 'string', maxLength: 100 },
            roles: roleList,
            team: { type: ['string', 'null'], maxLength: 64 },
            status: { type: 'string', enum: ['active', 'disabled'] },
            resetPassword: { type: 'boolean' },
            resetTotp: { type: 'boolean' },
          },
        },
      },
    },
    async (req) => app.users.update(actorOf(req), req.params.id, req.body),
  );

  api.get('/roles', { schema: { tags: ['users'], summary: '角色 / roles' } }, async (req) => ({
    items: await app.roles.list(actorOf(req)),
  }));

  api.post<{ Body: { key: string; name: string; grants: unknown; scope?: DataScopeKind } }>(
    '/roles',
    {
      schema: {
        tags: ['users'],
        summary: '自定义角色 / add a custom role (resource -> action -> grade)',
        body: {
          type: 'object',
          required: ['key', 'name', 'grants'],
          additionalProperties: false,
          properties: {
            key: { type: 'string', maxLength: 32 },
            name: { type: 'string', maxLength: 100 },
            grants: { type: 'object' },
            scope: { type: 'string', enum: ['own', 'team', 'all'] },
          },
        },
      },
    },
    async (req, reply) => reply.status(201).send(await app.roles.add(actorOf(req), req.body)),
  );
}

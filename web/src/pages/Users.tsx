import {
  Alert,
  App,
  Button,
  type ButtonProps,
  Card,
  Form,
  Input,
  Modal,
  Popconfirm,
  Select,
  Space,
  Table,
  Tabs,
  Tag,
  Typography,
} from 'antd';
import { type ReactNode, useState } from 'react';
import { get, patch, post } from '../api';
import { formatTime } from '../format';
import { useI18n } from '../i18n';
import { ErrorState, errorText, itemsOf, Loadable, useLoad } from '../shared';

interface UserRow {
  id: string;
  username: string;
  displayName: string;
  roles: string[];
  team?: string | null;
  totpEnrolled?: boolean;
  disabled?: boolean;
  status?: string;
  createdAt?: string;
  lastLoginAt?: string | null;
}

interface RoleRow {
  name?: string;
  key?: string;
  id?: string;
  description?: string;
  builtIn?: boolean;
  scope?: string;
  grants?: Record<string, Record<string, string | boolean>>;
  permissions?: Record<string, Record<string, string | boolean> | string[]> | string[];
}

const roleName = (r: RoleRow): string => r.key ?? r.name ?? r.id ?? '';

/** `{customer: {read: 'L2'}}`, `{customer: ['read']}` or `['customer.read']` -> "resource -> actions" */
function permissionCells(p: RoleRow['permissions']): Map<string, string> {
  const out = new Map<string, string>();
  if (!p) return out;
  if (Array.isArray(p)) {
    for (const s of p) {
      const [res, act] = s.split(/[.:]/);
      if (res) out.set(res, [out.get(res), act].filter(Boolean).join(' '));
    }
    return out;
  }
  for (const [res, acts] of Object.entries(p)) {
    out.set(
      res,
      Array.isArray(acts)
        ? acts.join(' ')
        : Object.entries(acts)
            .map(([a, g]) => (g === true ? a : `${a}(${g})`))
            .join(' '),
    );
  }
  return out;
}

/** The one-time password may come under one of several names while the access module settles. */
function oneTimePasswordOf(x: unknown): string | null {
  const o = x as Record<string, unknown> | null;
  if (!o) return null;
  for (const k of ['oneTimePassword', 'initialPassword', 'temporaryPassword', 'password']) {
    if (typeof o[k] === 'string') return o[k] as string;
  }
  return null;
}

function RolesTab({ roles }: { roles: RoleRow[] }): ReactNode {
  const { t } = useI18n();
  const cells = roles.map((r) => ({
    role: roleName(r),
    perms: permissionCells(r.grants ?? r.permissions),
    row: r,
  }));
  const resources = [...new Set(cells.flatMap((c) => [...c.perms.keys()]))];
  return (
    <Table
      size="small"
      rowKey="role"
      pagination={false}
      dataSource={cells}
      data-testid="roles-table"
      title={() => t('permissionMap')}
      scroll={{ x: true }}
      columns={[
        {
          title: t('roles'),
          dataIndex: 'role',
          fixed: 'left' as const,
          render: (r: string) => <Tag>{r}</Tag>,
        },
        ...resources.map((res) => ({
          title: res,
          key: res,
          render: (_v: unknown, c: (typeof cells)[number]) => c.perms.get(res) ?? '',
        })),
      ]}
    />
  );
}

/** Users (add one: the one-time password is shown once), roles and their permission map. */
export default function Users(): ReactNode {
  const { t } = useI18n();
  const { message } = App.useApp();
  const [form] = Form.useForm();
  const [adding, setAdding] = useState(false);
  const [otp, setOtp] = useState<{ username: string; password: string } | null>(null);
  const [editing, setEditing] = useState<UserRow | null>(null);
  const [editForm] = Form.useForm();
  const users = useLoad(() => get<unknown>('/users'), []);
  const roles = useLoad(() => get<unknown>('/roles'), []);
  const roleOptions = itemsOf<RoleRow>(roles.data).map((r) => ({ value: roleName(r), label: roleName(r) }));

  async function add(): Promise<void> {
    const v = (await form.validateFields()) as {
      username: string;
      displayName: string;
      roles: string[];
      team?: string;
    };
    try {
      const res = await post<unknown>('/users', v);
      const pw = oneTimePasswordOf(res);
      setAdding(false);
      form.resetFields();
      if (pw) setOtp({ username: v.username, password: pw });
      else message.success(t('saved'));
      users.reload();
    } catch (e) {
      message.error(errorText(e));
    }
  }

  const isDisabled = (u: UserRow): boolean => !!u.disabled || u.status === 'disabled';

  /** PATCH /users/:id; a reset password comes back once and is shown once, then forgotten. */
  async function change(u: UserRow, body: Record<string, unknown>): Promise<boolean> {
    try {
      const res = await patch<unknown>(`/users/${encodeURIComponent(u.id)}`, body);
      const pw = oneTimePasswordOf(res);
      if (pw) setOtp({ username: u.username, password: pw });
      else message.success(t('saved'));
      users.reload();
      return true;
    } catch (e) {
      message.error(errorText(e));
      return false;
    }
  }

  async function saveEdit(): Promise<void> {
    if (!editing) return;
    const v = (await editForm.validateFields()) as { displayName: string; roles: string[]; team?: string };
    const team = v.team?.trim() ? v.team.trim() : null;
    if (await change(editing, { displayName: v.displayName, roles: v.roles, team })) setEditing(null);
  }

  return (
    <Card
      title={t('menuUsers')}
      extra={
        <Button
          type="primary"
          onClick={() => setAdding(true)}
          data-testid="user-add"
          disabled={!!users.error}
        >
          {t('addUser')}
        </Button>
      }
    >
      <Tabs
        items={[
          {
            key: 'users',
            label: t('users'),
            children: users.error ? (
              <ErrorState error={users.error} onRetry={users.reload} />
            ) : (
              <Table<UserRow>
                size="small"
                rowKey="id"
                loading={users.loading}
                dataSource={itemsOf<UserRow>(users.data)}
                data-testid="users-table"
                pagination={false}
                columns={[
                  { title: t('username'), dataIndex: 'username' },
                  { title: t('displayName'), dataIndex: 'displayName' },
                  {
                    title: t('roles'),
                    dataIndex: 'roles',
                    render: (rs: string[]) => rs?.map((r) => <Tag key={r}>{r}</Tag>),
                  },
                  { title: t('team'), dataIndex: 'team' },
                  {
                    title: t('totpEnrolled'),
                    dataIndex: 'totpEnrolled',
                    render: (b?: boolean) => (b ? t('yes') : t('no')),
                  },
                  {
                    title: t('status'),
                    render: (_v, u) =>
                      u.disabled || u.status === 'disabled' ? <Tag>{t('disabled')}</Tag> : t('enabled'),
                  },
                  { title: t('createdAt'), dataIndex: 'createdAt', render: formatTime },
                  {
                    title: t('actions'),
                    render: (_v, u) => (
                      <Space size={4} wrap data-testid={`user-actions-${u.username}`}>
                        <Button
                          size="small"
                          data-testid="user-edit"
                          onClick={() => {
                            editForm.setFieldsValue({
                              displayName: u.displayName,
                              roles: u.roles,
                              team: u.team ?? '',
                            });
                            setEditing(u);
                          }}
                        >
                          {t('edit')}
                        </Button>
                        {isDisabled(u) ? (
                          <Button
                            size="small"
                            data-testid="user-enable"
                            onClick={() => void change(u, { status: 'active' })}
                          >
                            {t('enableUser')}
                          </Button>
                        ) : (
                          <Popconfirm
                            title={t('disableConfirm')}
                            onConfirm={() => change(u, { status: 'disabled' })}
                            okButtonProps={{ 'data-testid': 'user-disable-confirm' } as ButtonProps}
                          >
                            <Button size="small" danger data-testid="user-disable">
                              {t('disableUser')}
                            </Button>
                          </Popconfirm>
                        )}
                        <Popconfirm
                          title={t('resetPasswordConfirm')}
                          onConfirm={() => change(u, { resetPassword: true })}
                          okButtonProps={{ 'data-testid': 'user-reset-password-confirm' } as ButtonProps}
                        >
                          <Button size="small" data-testid="user-reset-password">
                            {t('resetPassword')}
                          </Button>
                        </Popconfirm>
                        <Popconfirm
                          title={t('resetTotpConfirm')}
                          onConfirm={() => change(u, { resetTotp: true })}
                          okButtonProps={{ 'data-testid': 'user-reset-totp-confirm' } as ButtonProps}
                        >
                          <Button size="small" data-testid="user-reset-totp" disabled={!u.totpEnrolled}>
                            {t('resetTotp')}
                          </Button>
                        </Popconfirm>
                      </Space>
                    ),
                  },
                ]}
              />
            ),
          },
          {
            key: 'roles',
            label: t('roles'),
            children: <Loadable state={roles}>{(d) => <RolesTab roles={itemsOf<RoleRow>(d)} />}</Loadable>,
          },
        ]}
      />
      <Modal
        open={adding}
        title={t('addUser')}
        onCancel={() => setAdding(false)}
        onOk={add}
        okButtonProps={{ 'data-testid': 'user-save' } as ButtonProps}
      >
        <Form form={form} layout="vertical">
          <Form.Item
            name="username"
            label={t('username')}
            rules={[{ required: true, message: t('required') }]}
          >
            <Input data-testid="new-username" />
          </Form.Item>
          <Form.Item
            name="displayName"
            label={t('displayName')}
            rules={[{ required: true, message: t('required') }]}
          >
            <Input data-testid="new-displayname" />
          </Form.Item>
          <Form.Item name="roles" label={t('roles')} rules={[{ required: true, message: t('required') }]}>
            <Select mode="multiple" options={roleOptions} data-testid="new-roles" />
          </Form.Item>
          <Form.Item name="team" label={t('team')}>
            <Input data-testid="new-team" />
          </Form.Item>
        </Form>
      </Modal>
      <Modal
        open={!!editing}
        title={`${t('editUser')} · ${editing?.username ?? ''}`}
        onCancel={() => setEditing(null)}
        onOk={saveEdit}
        okButtonProps={{ 'data-testid': 'user-edit-save' } as ButtonProps}
        forceRender
      >
        <Form form={editForm} layout="vertical">
          <Form.Item
            name="displayName"
            label={t('displayName')}
            rules={[{ required: true, message: t('required') }]}
          >
            <Input data-testid="edit-displayname" />
          </Form.Item>
          <Form.Item name="roles" label={t('roles')} rules={[{ required: true, message: t('required') }]}>
            <Select mode="multiple" options={roleOptions} data-testid="edit-roles" />
          </Form.Item>
          <Form.Item name="team" label={t('team')}>
            <Input data-testid="edit-team" />
          </Form.Item>
        </Form>
      </Modal>
      <Modal
        open={!!otp}
        title={t('oneTimePassword')}
        onOk={() => setOtp(null)}
        onCancel={() => setOtp(null)}
        cancelButtonProps={{ style: { display: 'none' } }}
        okButtonProps={{ 'data-testid': 'otp-close' } as ButtonProps}
        destroyOnHidden
      >
        <Alert type="warning" showIcon message={t('oneTimePassword')} />
        <Typography.Paragraph style={{ marginTop: 16 }}>
          {otp?.username}:{' '}
          <Typography.Text code copyable data-testid="one-time-password">
            {otp?.password}
          </Typography.Text>
        </Typography.Paragraph>
      </Modal>
    </Card>
  );
}

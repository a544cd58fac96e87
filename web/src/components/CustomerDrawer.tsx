import { Button, Descriptions, Drawer, Space, Table, Tabs, Tag, Typography } from 'antd';
import { type ReactNode, useState } from 'react';
import type { AuditEvent } from '../../../src/kernel/audit/audit-types';
import type { ConsentRecord } from '../../../src/modules/consent/consent-types';
import type { CustomerView, FieldDef, FieldValue } from '../../../src/modules/customers/customer-types';
import { get } from '../api';
import { formatTime } from '../format';
import { type MessageKey, useI18n } from '../i18n';
import { GradeTag, Loadable, useLoad } from '../shared';
import { RevealDialog } from './RevealDialog';

const GRADES = ['L1', 'L2', 'L3', 'L4'] as const;

function show(v: FieldValue | undefined): string {
  if (v === undefined) return '';
  return Array.isArray(v) ? v.join('、') : String(v);
}

/** One customer: fields grouped by grade, reveal, consents and the audit history of this customer. */
export function CustomerDrawer({
  id,
  fields,
  onClose,
}: {
  id: string;
  fields: FieldDef[];
  onClose: () => void;
}): ReactNode {
  const { t, lang } = useI18n();
  const [revealed, setRevealed] = useState<CustomerView | null>(null);
  const [revealing, setRevealing] = useState(false);
  const [tab, setTab] = useState('fields');
  const customer = useLoad(() => get<CustomerView>(`/customers/${encodeURIComponent(id)}`), [id]);
  const consents = useLoad(
    () => get<{ items: ConsentRecord[] }>(`/customers/${encodeURIComponent(id)}/consents`),
    [id],
  );
  const history = useLoad(
    () => get<{ items: AuditEvent[] }>(`/customers/${encodeURIComponent(id)}/history`),
    [id, revealed],
  );
  const defs = new Map(fields.map((f) => [f.key, f]));
  const label = (k: string): string => {
    const f = defs.get(k);
    return f ? (lang === 'zh' ? f.labelZh : f.labelEn) : k;
  };

  return (
    <Drawer
      open
      width={720}
      onClose={onClose}
      title={t('customerDetail')}
      data-testid="customer-drawer"
      extra={
        // Not before the field catalog and the customer are loaded: the dialog preselects fields by
        // their grade, and without grades it would preselect L4 fields too (then a reason is required).
        <Button
          type="primary"
          danger
          disabled={fields.length === 0 || !customer.data}
          onClick={() => setRevealing(true)}
          data-testid="reveal-open"
        >
          {t('reveal')}
        </Button>
      }
    >
      <Loadable state={customer}>
        {(c0) => {
          const c = revealed ?? c0;
          const byGrade = GRADES.map((g) => ({
            grade: g,
            keys: Object.keys(c.fields).filter((k) => (defs.get(k)?.grade ?? 'L2') === g),
          })).filter((x) => x.keys.length > 0);
          return (
            <>
              <Descriptions size="small" column={2} style={{ marginBottom: 16 }}>
                <Descriptions.Item label={t('kind')}>{t(`kind_${c.kind}` as MessageKey)}</Descriptions.Item>
                <Descriptions.Item label={t('status')}>
                  {t(`status_${c.status}` as MessageKey)}
                </Descriptions.Item>
                <Descriptions.Item label={t('purposes')}>
                  {c.purposes.map((p) => (
                    <Tag key={p}>{p}</Tag>
                  ))}
                </Descriptions.Item>
                <Descriptions.Item label={t('source')}>{c.source ?? ''}</Descriptions.Item>
                <Descriptions.Item label={t('owner')}>{c.ownerId ?? ''}</Descriptions.Item>
                <Descriptions.Item label={t('createdAt')}>{formatTime(c.createdAt)}</Descriptions.Item>
                {c.flags.length > 0 && (
                  <Descriptions.Item label={t('flags')}>
                    {c.flags.map((f) => (
                      <Tag color="warning" key={f}>
                        {f}
                      </Tag>
                    ))}
                  </Descriptions.Item>
                )}
              </Descriptions>
              <Tabs
                activeKey={tab}
                onChange={setTab}
                items={[
                  {
                    key: 'fields',
                    label: t('tabFields'),
                    children: byGrade.map(({ grade, keys }) => (
                      <Descriptions
                        key={grade}
                        size="small"
                        bordered
                        column={1}
                        style={{ marginBottom: 16 }}
                        title={
                          <Space>
                            <GradeTag grade={grade} />
                            {t(`grade_${grade}` as MessageKey)}
                          </Space>
                        }
                      >
                        {keys.map((k) => (
                          <Descriptions.Item key={k} label={label(k)}>
                            <Space>
                              <span data-testid={`field-${k}`}>{show(c.fields[k])}</span>
                              {c.revealed.includes(k) && <Tag color="red">{t('revealed')}</Tag>}
                              {c.masked.includes(k) && <Tag>{t('masked')}</Tag>}
                              {defs.get(k)?.sensitive && <Tag color="volcano">{t('sensitive')}</Tag>}
                            </Space>
                          </Descriptions.Item>
                        ))}
                      </Descriptions>
                    )),
                  },
                  {
                    key: 'consents',
                    label: t('tabConsents'),
                    children: (
                      <Loadable state={consents}>
                        {(d) => (
                          <Table<ConsentRecord>
                            size="small"
                            rowKey="id"
                            pagination={false}
                            dataSource={d.items}
                            columns={[
                              { title: t('time'), dataIndex: 'at', render: formatTime, width: 170 },
                              { title: t('purpose'), dataIndex: 'purpose' },
                              {
                                title: t('consentAction'),
                                dataIndex: 'action',
                                render: (a: string) => t(`consent_${a}` as MessageKey),
                              },
                              { title: t('channel'), dataIndex: 'channel' },
                              { title: t('noticeVersion'), dataIndex: 'noticeVersion' },
                            ]}
                          />
                        )}
                      </Loadable>
                    ),
                  },
                  {
                    key: 'history',
                    label: t('tabHistory'),
                    children: (
                      <Loadable state={history}>
                        {(d) => (
                          <Table<AuditEvent>
                            size="small"
                            rowKey="seq"
                            data-testid="history-table"
                            pagination={false}
                            dataSource={d.items}
                            columns={[
                              { title: t('time'), dataIndex: 'at', render: formatTime, width: 170 },
                              { title: t('actor'), dataIndex: 'actor' },
                              { title: t('action'), dataIndex: 'action' },
                              { title: t('purpose'), dataIndex: 'purpose' },
                              {
                                title: t('fields'),
                                dataIndex: 'fields',
                                render: (f: string[]) => f.map(label).join('、'),
                              },
                            ]}
                          />
                        )}
                      </Loadable>
                    ),
                  },
                ]}
              />
              {revealing && (
                <RevealDialog
                  customer={c0}
                  defs={defs}
                  onClose={() => setRevealing(false)}
                  onRevealed={(v) => {
                    setRevealed(v);
                    setRevealing(false);
                  }}
                />
              )}
              <Typography.Text type="secondary" style={{ fontSize: 12 }}>
                ID {c.id}
              </Typography.Text>
            </>
          );
        }}
      </Loadable>
    </Drawer>
  );
}

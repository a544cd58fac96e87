import { Button, Card, Input, Select, Space, Table, Tag, Typography } from 'antd';
import { type ReactNode, useState } from 'react';
import type { CustomerSummary, FieldDef } from '../../../src/modules/customers/customer-types';
import { get, post, qs } from '../api';
import { CustomerDrawer } from '../components/CustomerDrawer';
import { ExportDialog } from '../components/ExportDialog';
import { formatTime } from '../format';
import { type MessageKey, useI18n } from '../i18n';
import { ErrorState, itemsOf, useLoad } from '../shared';

const SEARCH_KEYS = ['mobile', 'mobileLast4', 'idNumber', 'name', 'uscc', 'companyName', 'email'] as const;
type SearchKey = (typeof SEARCH_KEYS)[number];

interface ListResult {
  items: CustomerSummary[];
  nextCursor: string | null;
}

/** Masked customer list with a kind filter and an exact search (POST: identifiers stay out of URLs). */
export default function Customers(): ReactNode {
  const { t, lang } = useI18n();
  const [kind, setKind] = useState<string>('');
  const [searchBy, setSearchBy] = useState<SearchKey>('mobile');
  const [term, setTerm] = useState('');
  const [search, setSearch] = useState<{ by: SearchKey; value: string } | null>(null);
  const [extra, setExtra] = useState<CustomerSummary[]>([]);
  const [cursor, setCursor] = useState<string | null>(null);
  const [openId, setOpenId] = useState<string | null>(null);
  const [exporting, setExporting] = useState(false);

  const fields = useLoad(() => get<{ items: FieldDef[] }>('/fields'), []);
  const list = useLoad(async (): Promise<ListResult> => {
    setExtra([]);
    if (search) {
      const res = await post<{ items: CustomerSummary[] }>('/customers/search', {
        [search.by]: search.value,
      });
      const items = kind ? res.items.filter((c) => c.kind === kind) : res.items;
      setCursor(null);
      return { items, nextCursor: null };
    }
    const res = await get<ListResult>(`/customers${qs({ kind, limit: 50 })}`);
    setCursor(res.nextCursor);
    return res;
  }, [kind, search]);

  async function loadMore(): Promise<void> {
    if (!cursor) return;
    const res = await get<ListResult>(`/customers${qs({ kind, limit: 50, cursor })}`);
    setExtra((x) => [...x, ...res.items]);
    setCursor(res.nextCursor);
  }

  const labels = new Map(
    itemsOf<FieldDef>(fields.data).map((f) => [f.key, lang === 'zh' ? f.labelZh : f.labelEn]),
  );
  const rows = [...(list.data?.items ?? []), ...extra];

  return (
    <Card
      title={t('menuCustomers')}
      extra={
        <Button onClick={() => setExporting(true)} data-testid="export-open">
          {t('exportAction')}
        </Button>
      }
    >
      <Space wrap style={{ marginBottom: 16 }} data-testid="customer-filters">
        <Select
          style={{ width: 140 }}
          value={kind}
          onChange={setKind}
          data-testid="kind-filter"
          options={[
            { value: '', label: t('all') },
            ...['individual', 'company', 'contact'].map((k) => ({
              value: k,
              label: t(`kind_${k}` as MessageKey),
            })),
          ]}
        />
        <Select
          style={{ width: 180 }}
          value={searchBy}
          onChange={setSearchBy}
          data-testid="search-by"
          options={SEARCH_KEYS.map((k) => ({ value: k, label: t(`by_${k}` as MessageKey) }))}
        />
        <Input.Search
          style={{ width: 280 }}
          placeholder={t('searchValue')}
          value={term}
          allowClear
          enterButton={t('search')}
          onChange={(e) => setTerm(e.target.value)}
          onSearch={(v) => setSearch(v.trim() ? { by: searchBy, value: v.trim() } : null)}
          data-testid="search-input"
        />
        {search && (
          <Button
            onClick={() => {
              setSearch(null);
              setTerm('');
            }}
          >
            {t('clearSearch')}
          </Button>
        )}
        <Typography.Text type="secondary">{t('searchHint')}</Typography.Text>
      </Space>
      {list.error ? (
        <ErrorState error={list.error} onRetry={list.reload} />
      ) : (
        <Table<CustomerSummary>
          rowKey="id"
          data-testid="customer-table"
          loading={list.loading}
          dataSource={rows}
          pagination={false}
          locale={{ emptyText: t('noResults') }}
          onRow={(r) => ({ onClick: () => setOpenId(r.id), style: { cursor: 'pointer' } })}
          columns={[
            {
              title: t('kind'),
              dataIndex: 'kind',
              width: 100,
              render: (k: string) => <Tag>{t(`kind_${k}` as MessageKey)}</Tag>,
            },
            {
              title: t('name'),
              render: (_v, r) => String(r.display.name ?? r.display.companyName ?? r.id),
            },
            {
              title: t('display'),
              render: (_v, r) =>
                Object.entries(r.display)
                  .filter(([k]) => k !== 'name' && k !== 'companyName')
                  .map(([k, v]) => `${labels.get(k) ?? k}: ${Array.isArray(v) ? v.join('、') : String(v)}`)
                  .join('　'),
            },
            {
              title: t('status'),
              dataIndex: 'status',
              width: 100,
              render: (s: string) => t(`status_${s}` as MessageKey),
            },
            { title: t('createdAt'), dataIndex: 'createdAt', width: 180, render: formatTime },
          ]}
        />
      )}
      {cursor && !search && (
        <Button style={{ marginTop: 16 }} onClick={loadMore}>
          {t('loadMore')}
        </Button>
      )}
      {openId && (
        <CustomerDrawer id={openId} fields={itemsOf<FieldDef>(fields.data)} onClose={() => setOpenId(null)} />
      )}
      {exporting && <ExportDialog kind={kind} onClose={() => setExporting(false)} />}
    </Card>
  );
}

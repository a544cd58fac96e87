import {
  Alert,
  App,
  Button,
  type ButtonProps,
  Card,
  Checkbox,
  Descriptions,
  Drawer,
  Form,
  Input,
  Modal,
  Popconfirm,
  Progress,
  Select,
  Space,
  Table,
  Tag,
  Typography,
  Upload,
} from 'antd';
import { type ReactNode, useState } from 'react';
import type { Purpose } from '../../../src/modules/consent/consent-types';
import type { FieldDef } from '../../../src/modules/customers/customer-types';
import type {
  BatchSummary,
  ColumnReport,
  ImportReport,
  QuarantineItem,
} from '../../../src/modules/ingest/ingest-types';
import { describeDelimiter } from '../../../src/modules/ingest/readers/delimiter-names';
import { ApiError, api, get, post } from '../api';
import { formatTime, percent } from '../format';
import { type MessageKey, useI18n } from '../i18n';
import { ErrorState, errorText, GradeTag, itemsOf, Loadable, useLoad } from '../shared';

interface Options {
  purposes: string[];
  onDuplicate: 'skip' | 'merge' | 'overwrite';
  lenient: boolean;
  createFields: boolean;
  /** '' to detect it (text files only, as the reading options below). */
  encoding: string;
  /** '' to sniff it. */
  delimiter: string;
}

/** How a text file is read: the encodings Chinese lists come in, and the delimiters the server sniffs. */
const ENCODINGS = ['utf8', 'gbk', 'gb18030', 'big5', 'utf-16le', 'utf-16be'];
const DELIMITERS = [',', '\t', ';', '|'];
const TEXT_FILE = /\.(csv|tsv|txt)$/i;

/** Column overrides sent as `mapping`: header text (or letter, for a blank header) -> field key or "-". */
type Mapping = Record<string, string>;

/** The key a column is overridden by: its header, which serves every sheet, else its letter. */
function mappingKey(c: ColumnReport): string {
  return c.header.trim() !== '' ? c.header : c.column;
}

/**
 * The built-in field the content of an unmapped column suggests (a column of mobiles under an unknown
 * header), while the user has not chosen one for it.
 */
function suggestionFor(c: ColumnReport, mapping: Mapping): string | null {
  if (c.field !== null || mapping[mappingKey(c)] !== undefined) return null;
  return c.proposal?.builtinField ?? null;
}

/** In a preview, the columns' fields can be changed: the next preview and the import use the choice. */
interface MappingEdit {
  mapping: Mapping;
  fields: FieldDef[];
  onChange: (column: ColumnReport, field: string) => void;
}

/** 下载模板: a CSV (UTF-8 with BOM, so Excel opens it) whose headers are the catalog's Chinese labels. */
function downloadTemplate(fields: FieldDef[]): void {
  const headers = ['客户类型', ...fields.filter((f) => f.builtin).map((f) => f.labelZh)];
  const blob = new Blob([`\ufeff${headers.join(',')}\r\n`], { type: 'text/csv;charset=utf-8' });
  const a = document.createElement('a');
  a.href = URL.createObjectURL(blob);
  a.download = 'custodian-import-template.csv';
  a.click();
  setTimeout(() => URL.revokeObjectURL(a.href), 10_000);
}

function ReportView({
  report,
  labels,
  edit,
}: {
  report: ImportReport;
  labels: Map<string, string>;
  edit?: MappingEdit | undefined;
}): ReactNode {
  const { t, lang } = useI18n();
  /** A reason's or flag's meaning in the console's language, its code after it (for searching the docs). */
  const meaning = (kind: 'reasons' | 'flags', code: string): string => {
    const m = report.messages?.[kind][code];
    return m ? `${m[lang]} (${code})` : code;
  };
  /** A mapped field's label; company.address reads "所属企业的 地址". */
  const fieldLabel = (f: string): string =>
    f.startsWith('company.')
      ? t('ofCompany', { field: labels.get(f.slice('company.'.length)) ?? f })
      : (labels.get(f) ?? f);
  const fieldOptions = edit && [
    { value: '-', label: t('notImported') },
    { value: 'kind', label: `${t('kindColumn')} (kind)` },
    ...edit.fields.map((f) => ({ value: f.key, label: `${labels.get(f.key) ?? f.key} (${f.key})` })),
    // 公司地址 in a contact list: the field of the contact's company (company.address).
    ...edit.fields
      .filter((f) => f.kinds.includes('company') && f.key !== 'companyName' && f.key !== 'uscc')
      .map((f) => ({
        value: `company.${f.key}`,
        label: `${t('ofCompany', { field: labels.get(f.key) ?? f.key })} (company.${f.key})`,
      })),
  ];
  const c = report.counts;
  return (
    <Space direction="vertical" style={{ width: '100%' }} data-testid="import-report">
      <Descriptions size="small" bordered column={4} title={t('qualityReport')}>
        <Descriptions.Item label={t('rowsRead')}>{c.read}</Descriptions.Item>
        <Descriptions.Item label={t('imported')}>
          <span data-testid="count-imported">{c.imported}</span>
        </Descriptions.Item>
        <Descriptions.Item label={t('merged')}>{c.merged}</Descriptions.Item>
        <Descriptions.Item label={t('skipped')}>{c.skipped}</Descriptions.Item>
        <Descriptions.Item label={t('rejected')}>{c.rejected}</Descriptions.Item>
        <Descriptions.Item label={t('flagged')}>{c.flagged}</Descriptions.Item>
        <Descriptions.Item label={t('file')}>{report.file.name}</Descriptions.Item>
        <Descriptions.Item label={t('textEncoding')}>{report.file.encoding ?? ''}</Descriptions.Item>
        {report.file.delimiter ? (
          <Descriptions.Item label={t('delimiter')}>
            {describeDelimiter(report.file.delimiter, lang === 'zh')}
          </Descriptions.Item>
        ) : null}
        <Descriptions.Item label={t('byReason')} span={4}>
          {Object.entries(c.byReason).map(([k, n]) => (
            <Tag key={k} color="warning" data-testid="reason-count" style={{ whiteSpace: 'normal' }}>
              {meaning('reasons', k)} × {n}
            </Tag>
          ))}
        </Descriptions.Item>
        {Object.keys(c.byFlag ?? {}).length > 0 && (
          <Descriptions.Item label={t('flagged')} span={4}>
            {Object.entries(c.byFlag ?? {}).map(([k, n]) => (
              <Tag key={k} color="processing" data-testid="flag-count" style={{ whiteSpace: 'normal' }}>
                {meaning('flags', k)} × {n}
              </Tag>
            ))}
          </Descriptions.Item>
        )}
      </Descriptions>
      {report.sheets
        .filter((s) => s.headerRow !== undefined)
        .map((s) => (
          <Alert
            key={s.name}
            type="info"
            showIcon
            data-testid="header-row-note"
            message={t(s.headerRows === 2 ? 'twoRowHeaderNote' : 'headerRowNote', {
              sheet: s.name,
              row: String(s.headerRow),
              next: String((s.headerRow ?? 1) + 1),
              above: String((s.headerRow ?? 1) - 1),
            })}
          />
        ))}
      {report.hiddenSheets?.length ? (
        <Alert
          type="info"
          showIcon
          data-testid="hidden-sheets"
          message={t('hiddenSheetsNote', { sheets: report.hiddenSheets.join('、') })}
        />
      ) : null}
      {report.sheets
        .filter((s) => s.noCustomerColumns)
        .map((s) => (
          <Alert
            key={`${s.name}:no-customer`}
            type="warning"
            showIcon
            data-testid="no-customer-columns"
            message={t('noCustomerColumns', { sheet: s.name })}
          />
        ))}
      <Table<ColumnReport>
        size="small"
        rowKey={(r) => `${r.sheet}:${r.column}`}
        title={() => t('mapping')}
        pagination={false}
        dataSource={report.columns}
        data-testid="mapping-table"
        columns={[
          { title: t('column'), dataIndex: 'column', width: 60 },
          { title: t('header'), dataIndex: 'header' },
          {
            title: t('field'),
            dataIndex: 'field',
            render: (f: string | null, c) =>
              edit ? (
                <Space size={4} wrap>
                  <Select
                    size="small"
                    showSearch
                    optionFilterProp="label"
                    style={{ minWidth: 180 }}
                    value={edit.mapping[mappingKey(c)] ?? f ?? '-'}
                    options={fieldOptions}
                    onChange={(v: string) => edit.onChange(c, v)}
                    data-testid={`map-${c.column}`}
                  />
                  {suggestionFor(c, edit.mapping) && (
                    <Button
                      size="small"
                      type="link"
                      onClick={() => edit.onChange(c, suggestionFor(c, edit.mapping) as string)}
                      data-testid={`suggest-${c.column}`}
                    >
                      {t('useSuggestion', { field: labels.get(c.proposal?.builtinField ?? '') ?? '' })}
                    </Button>
                  )}
                </Space>
              ) : f ? (
                fieldLabel(f)
              ) : (
                <Typography.Text type="secondary">{t('notImported')}</Typography.Text>
              ),
          },
          {
            title: t('detectedType'),
            render: (_v, r) => (r.detected ? `${r.detected.kind} (${percent(r.detected.confidence)})` : ''),
          },
          {
            title: t('grade'),
            render: (_v, r) => (r.detected ? <GradeTag grade={r.detected.grade} /> : null),
          },
          { title: t('fillRate'), dataIndex: 'fillRate', render: percent },
          { title: t('validRate'), dataIndex: 'validRate', render: percent },
          { title: t('examples'), dataIndex: 'examples', render: (x: string[]) => x.slice(0, 2).join('；') },
        ]}
      />
    </Space>
  );
}

type RetryOutcome = { ok: true; outcome: string } | { ok: false; reason: string };

/** The reasons a retry still fails: `details.reasons` codes, else the server's message. */
function stillInvalidReason(e: unknown): string {
  if (e instanceof ApiError) {
    const rs = (e.details as { reasons?: Array<{ code?: string; header?: string | null }> } | undefined)
      ?.reasons;
    const codes = (rs ?? []).map((r) => `${r.code ?? ''}${r.header ? ` · ${r.header}` : ''}`).join('；');
    return codes ? `${codes} (${e.message})` : e.message;
  }
  return errorText(e);
}

/** 修正重试: the row's cells as inputs, masked values as placeholders; only typed values are sent. */
function RetryDialog({
  batchId,
  item,
  onClose,
  onDone,
}: {
  batchId: string;
  item: QuarantineItem;
  onClose: () => void;
  onDone: () => void;
}): ReactNode {
  const { t } = useI18n();
  const [form] = Form.useForm<Record<string, string>>();
  const [busy, setBusy] = useState(false);
  const [outcome, setOutcome] = useState<RetryOutcome | null>(null);
  const [clear, setClear] = useState<string[]>([]);

  async function submit(): Promise<void> {
    const v = form.getFieldsValue();
    const fields: Record<string, string> = {};
    for (const column of clear) fields[column] = '';
    for (const [k, x] of Object.entries(v)) if (typeof x === 'string' && x.trim()) fields[k] = x.trim();
    setBusy(true);
    try {
      const res = await post<{ outcome: string }>(
        `/imports/${encodeURIComponent(batchId)}/quarantine/${encodeURIComponent(`#${item.seq}`)}/retry`,
        { fields },
      );
      setOutcome({ ok: true, outcome: res.outcome });
      onDone();
    } catch (e) {
      setOutcome({ ok: false, reason: stillInvalidReason(e) });
    } finally {
      setBusy(false);
    }
  }

  const done = outcome?.ok === true;
  return (
    <Modal
      open
      title={`${t('fixRetry')} · ${t('row')} ${item.row}`}
      onCancel={onClose}
      onOk={done ? onClose : submit}
      okText={done ? t('close') : t('fixRetry')}
      confirmLoading={busy}
      okButtonProps={{ 'data-testid': done ? 'retry-close' : 'retry-submit' } as ButtonProps}
      destroyOnHidden
    >
      <Typography.Paragraph type="secondary">{t('fixRetryHint')}</Typography.Paragraph>
      <Space wrap style={{ marginBottom: 12 }}>
        {item.reasons.map((r) => (
          <Tag key={`${r.code}${r.column}`} color="warning">
            {r.code}
            {r.header ? ` · ${r.header}` : ''}
          </Tag>
        ))}
      </Space>
      {outcome && (
        <Alert
          type={outcome.ok ? 'success' : 'error'}
          showIcon
          data-testid="retry-outcome"
          style={{ marginBottom: 12 }}
          message={
            outcome.ok
              ? t('retryImported', { outcome: outcome.outcome })
              : t('retryStillInvalid', { reason: outcome.reason })
          }
        />
      )}
      {!done && (
        <Form form={form} layout="horizontal" labelCol={{ span: 8 }} wrapperCol={{ span: 16 }}>
          <Form.Item label={t('clearCells')}>
            <Checkbox.Group
              data-testid="retry-clear"
              value={clear}
              onChange={(v) => setClear(v as string[])}
              options={item.cells.filter((c) => c.value).map((c) => ({ label: c.column, value: c.column }))}
            />
          </Form.Item>
          {item.cells.map((c) => (
            <Form.Item key={c.column} name={c.column} label={`${c.column} · ${c.header}`}>
              <Input placeholder={c.value} data-testid={`retry-cell-${c.column}`} />
            </Form.Item>
          ))}
        </Form>
      )}
    </Modal>
  );
}

function QuarantineDrawer({
  batch,
  onClose,
  onChanged,
}: {
  batch: BatchSummary;
  onClose: () => void;
  onChanged: () => void;
}): ReactNode {
  const { t } = useI18n();
  const { message } = App.useApp();
  const q = useLoad(() => get<unknown>(`/imports/${encodeURIComponent(batch.id)}/quarantine`), [batch.id]);
  const [fixing, setFixing] = useState<QuarantineItem | null>(null);

  async function discard(item: QuarantineItem): Promise<void> {
    try {
      await post(
        `/imports/${encodeURIComponent(batch.id)}/quarantine/${encodeURIComponent(`#${item.seq}`)}/discard`,
      );
      message.success(t('discarded'));
      q.reload();
      onChanged();
    } catch (e) {
      message.error(errorText(e));
    }
  }

  return (
    <Drawer open width={960} title={`${t('quarantine')} · ${batch.fileName}`} onClose={onClose}>
      <Loadable state={q}>
        {(d) => (
          <Table<QuarantineItem>
            data-testid="quarantine-table"
            size="small"
            rowKey="seq"
            dataSource={itemsOf<QuarantineItem>(d)}
            columns={[
              { title: t('row'), dataIndex: 'row', width: 60 },
              {
                title: t('reasons'),
                dataIndex: 'reasons',
                render: (rs: QuarantineItem['reasons']) =>
                  rs.map((r) => (
                    <Tag key={`${r.code}${r.column}`} color="warning">
                      {r.code}
                      {r.header ? ` · ${r.header}` : ''}
                    </Tag>
                  )),
              },
              {
                title: t('cells'),
                dataIndex: 'cells',
                render: (cells: QuarantineItem['cells']) =>
                  cells.map((c) => `${c.header}: ${c.value}`).join('；'),
              },
              {
                title: t('status'),
                dataIndex: 'status',
                width: 90,
                render: (st: string) => <span data-testid="quarantine-status">{st}</span>,
              },
              {
                title: t('actions'),
                width: 170,
                render: (_v, item) =>
                  item.status === 'open' ? (
                    <Space>
                      <Button
                        size="small"
                        onClick={() => setFixing(item)}
                        disabled={batch.status !== 'completed'}
                        data-testid="quarantine-retry"
                      >
                        {t('fixRetry')}
                      </Button>
                      <Popconfirm
                        title={t('discardConfirm')}
                        onConfirm={() => discard(item)}
                        okButtonProps={{ 'data-testid': 'discard-confirm' } as ButtonProps}
                      >
                        <Button size="small" danger data-testid="quarantine-discard">
                          {t('discard')}
                        </Button>
                      </Popconfirm>
                    </Space>
                  ) : null,
              },
            ]}
          />
        )}
      </Loadable>
      {fixing && (
        <RetryDialog
          batchId={batch.id}
          item={fixing}
          onClose={() => setFixing(null)}
          onDone={() => {
            q.reload();
            onChanged();
          }}
        />
      )}
    </Drawer>
  );
}

/** Upload, dry-run preview (mapping, detected types and grades, quality), confirm, history, quarantine. */
export default function Import(): ReactNode {
  const { t, lang } = useI18n();
  const { message } = App.useApp();
  const [form] = Form.useForm<Options>();
  const [file, setFile] = useState<File | null>(null);
  const [preview, setPreview] = useState<ImportReport | null>(null);
  const [result, setResult] = useState<ImportReport | null>(null);
  const [busy, setBusy] = useState<'preview' | 'import' | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [quarantine, setQuarantine] = useState<BatchSummary | null>(null);
  const [mapping, setMapping] = useState<Mapping>({});
  /** What changed since the preview (the confirm waits for a new one), or null. */
  const [stale, setStale] = useState<'mapping' | 'sheet' | 'reading' | null>(null);
  /** '' for every visible sheet, else the one sheet to import (hidden ones included). */
  const [sheet, setSheet] = useState('');
  /** The workbook's sheets seen in previews, hidden ones included: the choices of `sheet`. */
  const [knownSheets, setKnownSheets] = useState<string[]>([]);
  const purposes = useLoad(() => get<{ items: Purpose[] }>('/purposes'), []);
  const fields = useLoad(() => get<{ items: FieldDef[] }>('/fields'), []);
  const batches = useLoad(() => get<unknown>('/imports'), [result]);
  const labels = new Map(
    (fields.data?.items ?? []).map((f) => [f.key, lang === 'zh' ? f.labelZh : f.labelEn]),
  );

  async function run(dryRun: boolean): Promise<void> {
    if (!file) return;
    const o = await form.validateFields();
    const body = new FormData();
    body.append('purposes', o.purposes.join(','));
    body.append('dryRun', String(dryRun));
    body.append('onDuplicate', o.onDuplicate);
    body.append('lenient', String(o.lenient));
    body.append('createFields', String(o.createFields));
    if (Object.keys(mapping).length > 0) body.append('mapping', JSON.stringify({ columns: mapping }));
    if (sheet) body.append('sheet', sheet);
    if (o.encoding) body.append('encoding', o.encoding);
    if (o.delimiter) body.append('delimiter', o.delimiter);
    body.append('file', file, file.name);
    setBusy(dryRun ? 'preview' : 'import');
    setError(null);
    try {
      const report = await api<ImportReport>('POST', '/imports', body);
      if (dryRun) {
        setPreview(report);
        setStale(null);
        setKnownSheets((known) => [
          ...new Set([...known, ...report.sheets.map((s) => s.name), ...(report.hiddenSheets ?? [])]),
        ]);
      } else {
        setResult(report);
        setPreview(null);
        message.success(t('importDone'));
      }
    } catch (e) {
      setError(errorText(e));
    } finally {
      setBusy(null);
    }
  }

  async function rollback(id: string): Promise<void> {
    try {
      await post(`/imports/${encodeURIComponent(id)}/rollback`);
      batches.reload();
    } catch (e) {
      message.error(errorText(e));
    }
  }

  return (
    <Space direction="vertical" style={{ width: '100%' }} size="large">
      <Card
        title={t('menuImport')}
        extra={
          <Button
            type="link"
            onClick={() => downloadTemplate(fields.data?.items ?? [])}
            data-testid="download-template"
          >
            {t('downloadTemplate')}
          </Button>
        }
      >
        <Form
          form={form}
          layout="vertical"
          initialValues={{
            onDuplicate: 'merge',
            lenient: false,
            createFields: false,
            purposes: [],
            encoding: '',
            delimiter: '',
          }}
          onValuesChange={(changed: Partial<Options>) => {
            // The preview read the file another way: the confirm waits for a new one.
            if (preview && ('encoding' in changed || 'delimiter' in changed)) setStale('reading');
          }}
        >
          <Form.Item label={t('uploadFile')} required>
            <Upload
              accept=".csv,.xlsx,.xls,.txt,.tsv,.htm,.html,.xml"
              maxCount={1}
              beforeUpload={(f) => {
                setFile(f);
                setPreview(null);
                setResult(null);
                setMapping({});
                setStale(null);
                setSheet('');
                setKnownSheets([]);
                form.setFieldsValue({ encoding: '', delimiter: '' });
                return false;
              }}
              onRemove={() => setFile(null)}
            >
              <Button data-testid="choose-file">{t('chooseFile')}</Button>
            </Upload>
          </Form.Item>
          <Space wrap align="start">
            <Form.Item
              name="purposes"
              label={t('purposes')}
              rules={[{ required: true, message: t('required') }]}
              style={{ minWidth: 280 }}
            >
              <Select
                mode="multiple"
                data-testid="import-purposes"
                options={(purposes.data?.items ?? []).map((p) => ({
                  value: p.key,
                  label: `${p.name} (${p.key})`,
                }))}
              />
            </Form.Item>
            <Form.Item name="onDuplicate" label={t('onDuplicate')}>
              <Select
                style={{ width: 140 }}
                options={['skip', 'merge', 'overwrite'].map((k) => ({
                  value: k,
                  label: t(`dup_${k}` as MessageKey),
                }))}
              />
            </Form.Item>
            <Form.Item name="lenient" valuePropName="checked" label=" ">
              <Checkbox>{t('lenient')}</Checkbox>
            </Form.Item>
            <Form.Item name="createFields" valuePropName="checked" label=" ">
              <Checkbox data-testid="import-create-fields">{t('createFields')}</Checkbox>
            </Form.Item>
            {file && TEXT_FILE.test(file.name) && (
              <>
                <Form.Item name="encoding" label={t('textEncoding')}>
                  <Select
                    style={{ width: 140 }}
                    data-testid="import-encoding"
                    options={[
                      { value: '', label: t('detectAutomatically') },
                      ...ENCODINGS.map((e) => ({ value: e, label: e })),
                    ]}
                  />
                </Form.Item>
                <Form.Item name="delimiter" label={t('delimiter')}>
                  <Select
                    style={{ width: 140 }}
                    data-testid="import-delimiter"
                    options={[
                      { value: '', label: t('detectAutomatically') },
                      ...DELIMITERS.map((d) => ({ value: d, label: describeDelimiter(d, lang === 'zh') })),
                    ]}
                  />
                </Form.Item>
              </>
            )}
            {knownSheets.length > 1 && (
              <Form.Item label={t('sheet')}>
                <Select
                  style={{ minWidth: 180 }}
                  data-testid="import-sheet"
                  value={sheet}
                  onChange={(v: string) => {
                    setSheet(v);
                    setStale('sheet');
                  }}
                  options={[
                    { value: '', label: t('allVisibleSheets') },
                    ...knownSheets.map((name) => ({ value: name, label: name })),
                  ]}
                />
              </Form.Item>
            )}
          </Space>
          <Space>
            <Button
              onClick={() => run(true)}
              disabled={!file}
              loading={busy === 'preview'}
              data-testid="import-preview"
            >
              {t('preview')}
            </Button>
            <Button
              type="primary"
              onClick={() => run(false)}
              disabled={!file || !preview || stale !== null}
              loading={busy === 'import'}
              data-testid="import-confirm"
            >
              {t('confirmImport')}
            </Button>
          </Space>
        </Form>
        {busy === 'import' && (
          <Progress percent={99} status="active" showInfo={false} style={{ marginTop: 16 }} />
        )}
        {stale && (
          <Alert
            type="warning"
            showIcon
            message={t(
              stale === 'sheet' ? 'sheetChanged' : stale === 'reading' ? 'readingChanged' : 'mappingChanged',
            )}
            style={{ marginTop: 16 }}
            data-testid="mapping-changed"
          />
        )}
        {error && (
          <Alert type="error" showIcon message={error} style={{ marginTop: 16 }} data-testid="import-error" />
        )}
        {result && (
          <Alert
            type="success"
            showIcon
            style={{ marginTop: 16 }}
            message={`${t('importDone')}: ${t('imported')} ${result.counts.imported} · ${t('merged')} ${result.counts.merged} · ${t('rejected')} ${result.counts.rejected}`}
            data-testid="import-done"
          />
        )}
        {result && <Progress percent={100} style={{ marginTop: 8 }} />}
        <div style={{ marginTop: 16 }}>
          {result && <ReportView report={result} labels={labels} />}
          {!result && preview && (
            <ReportView
              report={preview}
              labels={labels}
              edit={{
                mapping,
                fields: fields.data?.items ?? [],
                onChange: (c, field) => {
                  setMapping((m) => ({ ...m, [mappingKey(c)]: field }));
                  setStale('mapping');
                },
              }}
            />
          )}
        </div>
      </Card>
      <Card title={t('importHistory')}>
        {batches.error ? (
          <ErrorState error={batches.error} onRetry={batches.reload} />
        ) : (
          <Table<BatchSummary>
            size="small"
            rowKey="id"
            loading={batches.loading}
            dataSource={itemsOf<BatchSummary>(batches.data)}
            columns={[
              { title: t('createdAt'), dataIndex: 'createdAt', render: formatTime, width: 170 },
              { title: t('file'), dataIndex: 'fileName' },
              { title: t('status'), dataIndex: 'status' },
              { title: t('imported'), render: (_v, b) => b.counts?.imported },
              { title: t('rejected'), render: (_v, b) => b.counts?.rejected },
              { title: t('actor'), dataIndex: 'actor' },
              {
                title: t('actions'),
                render: (_v, b) => (
                  <Space>
                    <Button size="small" onClick={() => setQuarantine(b)} data-testid="open-quarantine">
                      {t('quarantine')}
                    </Button>
                    {b.status === 'completed' && (
                      <Popconfirm title={t('rollbackConfirm')} onConfirm={() => rollback(b.id)}>
                        <Button size="small" danger>
                          {t('rollback')}
                        </Button>
                      </Popconfirm>
                    )}
                  </Space>
                ),
              },
            ]}
          />
        )}
      </Card>
      {quarantine && (
        <QuarantineDrawer batch={quarantine} onClose={() => setQuarantine(null)} onChanged={batches.reload} />
      )}
    </Space>
  );
}

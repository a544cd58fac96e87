import { Button, Card, Col, Descriptions, Row, Space, Steps, Typography } from 'antd';
import { type ReactNode, useState } from 'react';
import { get } from '../../api';
import { type MessageKey, useI18n } from '../../i18n';
import { usePath } from '../../router';
import { useSession } from '../../session';
import { Loadable, useLoad } from '../../shared';
import { CloseOutPanel } from './CloseOutPanel';
import { DdPanel } from './DdPanel';
import { DossierPanel } from './DossierPanel';
import { NoticesPanel } from './NoticesPanel';
import { PackagePanel } from './PackagePanel';
import { ReadinessPanel } from './ReadinessPanel';
import { TimelineCard } from './TimelineCard';
import { PathTag, StatusTag } from './Transfers';
import { type Counterparty, caseIdOf, loadCounterparties, type Transfer } from './transfer-api';

export const STEPS = ['readiness', 'dd', 'notices', 'package', 'closeout', 'dossier'] as const;
export type Step = (typeof STEPS)[number];

/** The step a case in this status is at (path A moves no data, path D has no package). */
function currentStep(t: Transfer): Step {
  switch (t.status) {
    case 'draft':
    case 'readiness':
      return 'readiness';
    case 'noticing':
      return 'notices';
    case 'answers-closed':
      return t.path === 'B' || t.path === 'C' ? 'package' : 'closeout';
    case 'packaged':
    case 'received':
      return 'closeout';
    default:
      return 'dossier';
  }
}

/** 转让案件: the steps of one case, a panel per step, and its audited timeline. */
export default function TransferDetail(): ReactNode {
  const id = caseIdOf(usePath()) ?? '';
  const tr = useLoad(() => get<Transfer>(`/transfers/${encodeURIComponent(id)}`), [id]);
  const cps = useLoad(() => loadCounterparties());
  const [tick, setTick] = useState(0);
  const reload = (): void => {
    tr.reload();
    setTick((n) => n + 1);
  };
  return (
    <Loadable state={tr}>
      {(t) => (
        <CaseView
          tr={t}
          counterparty={cps.data?.items.find((c) => c.id === t.counterpartyId) ?? null}
          reload={reload}
          tick={tick}
        />
      )}
    </Loadable>
  );
}

function CaseView({
  tr,
  counterparty,
  reload,
  tick,
}: {
  tr: Transfer;
  counterparty: Counterparty | null;
  reload: () => void;
  tick: number;
}): ReactNode {
  const { t } = useI18n();
  const session = useSession();
  const at = currentStep(tr);
  const [chosen, setChosen] = useState<Step | null>(null);
  const step = chosen ?? at;
  const moves = tr.path === 'B' || tr.path === 'C';
  const panel: Record<Step, ReactNode> = {
    readiness: <ReadinessPanel tr={tr} reload={reload} />,
    dd: <DdPanel tr={tr} />,
    notices: <NoticesPanel tr={tr} counterparty={counterparty} reload={reload} />,
    package: <PackagePanel tr={tr} reload={reload} />,
    closeout: <CloseOutPanel tr={tr} reload={reload} />,
    dossier: <DossierPanel tr={tr} />,
  };
  return (
    <Space direction="vertical" style={{ width: '100%' }} size="large" data-testid="transfer-case">
      <Card
        title={
          <Space>
            <span data-testid="case-name">{tr.name}</span>
            <PathTag path={tr.path} />
            <StatusTag status={tr.status} />
          </Space>
        }
        extra={
          <Space>
            <Button onClick={() => session.navigate('/transfers')}>{t('trBack')}</Button>
            <Button onClick={reload}>{t('refresh')}</Button>
          </Space>
        }
      >
        <Descriptions size="small" column={3}>
          <Descriptions.Item label={t('trRecipient')}>
            {counterparty ? `${counterparty.name}（${counterparty.contact ?? '—'}）` : t('none')}
          </Descriptions.Item>
          <Descriptions.Item label={t('trPlannedDate')}>{tr.plannedDate ?? '—'}</Descriptions.Item>
          <Descriptions.Item label={t('trNoticeDays')}>{tr.noticeDays}</Descriptions.Item>
          <Descriptions.Item label={t('trScope')}>
            {Object.entries(tr.scope)
              .filter(([, v]) => v)
              .map(([k, v]) => `${k}=${v}`)
              .join('，') || t('all')}
          </Descriptions.Item>
          <Descriptions.Item label={t('trFields')} span={2}>
            <Typography.Text ellipsis={{ tooltip: tr.fields.join(', ') }} style={{ maxWidth: 520 }}>
              {tr.fields.join(', ')}
            </Typography.Text>
          </Descriptions.Item>
        </Descriptions>
        <Steps
          style={{ marginTop: 16 }}
          data-testid="transfer-steps"
          current={STEPS.indexOf(step)}
          onChange={(i) => setChosen(STEPS[i] ?? null)}
          items={STEPS.map((s) => ({
            title: <span data-testid={`step-${s}`}>{t(`trStep_${s}` as MessageKey)}</span>,
            status:
              s === step
                ? 'process'
                : STEPS.indexOf(s) < STEPS.indexOf(at) || tr.status === 'closed'
                  ? 'finish'
                  : 'wait',
            disabled: s === 'package' && !moves,
            content: s === at ? t('trStepHere') : undefined,
          }))}
        />
      </Card>
      <Row gutter={16}>
        <Col xs={24} xl={16}>
          <div data-testid={`panel-${step}`}>{panel[step]}</div>
        </Col>
        <Col xs={24} xl={8}>
          <TimelineCard id={tr.id} tick={tick} />
        </Col>
      </Row>
    </Space>
  );
}

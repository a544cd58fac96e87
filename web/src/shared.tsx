import { Alert, Button, Result, Spin, Tag } from 'antd';
import { type DependencyList, type ReactNode, useCallback, useEffect, useState } from 'react';
import { ApiError } from './api';
import { useI18n } from './i18n';

export interface Loaded<T> {
  data: T | undefined;
  error: ApiError | null;
  loading: boolean;
  reload: () => void;
}

/** Runs `fn` on mount and when `deps` change; keeps the last data while reloading. */
export function useLoad<T>(fn: () => Promise<T>, deps: DependencyList = []): Loaded<T> {
  const [data, setData] = useState<T>();
  const [error, setError] = useState<ApiError | null>(null);
  const [loading, setLoading] = useState(true);
  const [tick, setTick] = useState(0);
  // biome-ignore lint/correctness/useExhaustiveDependencies: the caller's deps decide when to reload
  useEffect(() => {
    let live = true;
    setLoading(true);
    fn().then(
      (d) => {
        if (!live) return;
        setData(d);
        setError(null);
        setLoading(false);
      },
      (e: unknown) => {
        if (!live) return;
        setError(e instanceof ApiError ? e : new ApiError(0, 'CLIENT', String(e)));
        setLoading(false);
      },
    );
    return () => {
      live = false;
    };
  }, [...deps, tick]);
  const reload = useCallback(() => setTick((n) => n + 1), []);
  return { data, error, loading, reload };
}

/** Error display: "not available" for routes other modules have not shipped, 403 as forbidden. */
export function ErrorState({ error, onRetry }: { error: ApiError; onRetry?: () => void }): ReactNode {
  const { t } = useI18n();
  if (error.notAvailable)
    return (
      <Alert
        type="info"
        showIcon
        data-testid="not-available"
        message={t('notAvailable')}
        description={t('notAvailableHint', { path: error.message })}
      />
    );
  if (error.status === 403) return <Alert type="warning" showIcon message={t('forbidden')} />;
  return (
    <Alert
      type="error"
      showIcon
      message={t('error')}
      description={`${error.code}: ${error.message}`}
      action={onRetry ? <Button onClick={onRetry}>{t('retry')}</Button> : undefined}
    />
  );
}

/** Loading / error / content for one `useLoad` result. */
export function Loadable<T>({
  state,
  children,
}: {
  state: Loaded<T>;
  children: (data: T) => ReactNode;
}): ReactNode {
  if (state.error) return <ErrorState error={state.error} onRetry={state.reload} />;
  if (state.data === undefined) return <Spin />;
  return children(state.data);
}

const GRADE_COLOURS: Record<string, string> = { L1: 'green', L2: 'blue', L3: 'orange', L4: 'red' };

export function GradeTag({ grade }: { grade: string }): ReactNode {
  return <Tag color={GRADE_COLOURS[grade] ?? 'default'}>{grade}</Tag>;
}

export function PageResult({ status, title }: { status: 'success' | 'info'; title: string }): ReactNode {
  return <Result status={status} title={title} />;
}

/** Accepts `{items: T[]}` or a bare array (contracts of modules still in progress). */
export function itemsOf<T>(x: unknown): T[] {
  if (Array.isArray(x)) return x as T[];
  const items = (x as { items?: unknown } | null)?.items;
  return Array.isArray(items) ? (items as T[]) : [];
}

/** Shows an error from an action (not a load) as a message string. */
export function errorText(e: unknown): string {
  if (e instanceof ApiError) return e.notAvailable ? e.message : `${e.code}: ${e.message}`;
  return String(e);
}

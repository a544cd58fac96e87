import { Button, Upload } from 'antd';
import type { ReactNode } from 'react';
import { useI18n } from '../../i18n';

/** One local file, kept in the browser until the form sends it (antd Upload without its own request). */
export function FilePick({
  testId,
  accept,
  file,
  onChange,
}: {
  testId: string;
  accept: string;
  file: File | null;
  onChange: (f: File | null) => void;
}): ReactNode {
  const { t } = useI18n();
  return (
    <div data-testid={testId}>
      <Upload
        accept={accept}
        maxCount={1}
        beforeUpload={(f) => {
          onChange(f);
          return false;
        }}
        onRemove={() => onChange(null)}
        fileList={file ? [{ uid: '1', name: `${file.name} (${file.size} B)`, status: 'done' }] : []}
      >
        <Button>{t('chooseFile')}</Button>
      </Upload>
    </div>
  );
}

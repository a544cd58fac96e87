/**
 * The one error catalogue: stable codes, zh-CN and English messages, the HTTP status and the CLI exit
 * code each maps to. Scripts rely on the codes and exit codes; change them additively only.
 */
export type ErrorClass =
  | 'usage'
  | 'validation'
  | 'not_found'
  | 'conflict'
  | 'forbidden'
  | 'unauthenticated'
  | 'key'
  | 'integrity'
  | 'gone'
  | 'store'
  | 'internal';

/** Exit code per error class. 0 is success, 1 is reserved for unexpected failures. */
export const EXIT_CODES: Record<ErrorClass, number> = {
  internal: 1,
  usage: 2,
  validation: 3,
  not_found: 4,
  conflict: 5,
  forbidden: 6,
  unauthenticated: 6,
  key: 7,
  integrity: 8,
  store: 9,
  gone: 10,
};

export const HTTP_STATUS: Record<ErrorClass, number> = {
  internal: 500,
  usage: 400,
  validation: 422,
  not_found: 404,
  conflict: 409,
  forbidden: 403,
  unauthenticated: 401,
  key: 500,
  integrity: 409,
  store: 503,
  gone: 410,
};

interface CatalogueEntry {
  class: ErrorClass;
  zh: string;
  en: string;
}

export const ERRORS = {
  INTERNAL: { class: 'internal', zh: '内部错误', en: 'Internal error' },
  USAGE: { class: 'usage', zh: '命令或参数用法错误：{detail}', en: 'Bad usage: {detail}' },
  CONFIG_INVALID: { class: 'usage', zh: '配置无效：{detail}', en: 'Invalid configuration: {detail}' },
  VALIDATION_FAILED: { class: 'validation', zh: '输入无效：{detail}', en: 'Invalid input: {detail}' },
  FIELD_UNKNOWN: {
    class: 'validation',
    zh: '未知字段“{field}”（可用 `custodian field list` 查看字段目录）',
    en: 'Unknown field "{field}" (see `custodian field list`)',
  },
  FIELD_NOT_FOR_KIND: {
    class: 'validation',
    zh: '字段“{field}”不适用于客户类型 {kind}',
    en: 'Field "{field}" does not apply to customer kind {kind}',
  },
  FIELD_INVALID: {
    class: 'validation',
    zh: '字段“{field}”的值无效：{reason}',
    en: 'Invalid value for field "{field}": {reason}',
  },
  FIELD_EXISTS: { class: 'conflict', zh: '字段“{field}”已存在', en: 'Field "{field}" already exists' },
  PURPOSE_REQUIRED: {
    class: 'validation',
    zh: '必须至少指定一个处理目的（--purpose）',
    en: 'At least one processing purpose is required (--purpose)',
  },
  PURPOSE_UNKNOWN: {
    class: 'not_found',
    zh: '处理目的“{purpose}”不存在',
    en: 'Purpose "{purpose}" does not exist',
  },
  PURPOSE_EXISTS: {
    class: 'conflict',
    zh: '处理目的“{purpose}”已存在',
    en: 'Purpose "{purpose}" already exists',
  },
  PURPOSE_NOT_ALLOWED: {
    class: 'forbidden',
    zh: '客户 {customerId} 没有以“{purpose}”为目的的处理依据：{reason}',
    en: 'Customer {customerId} has no basis for purpose "{purpose}": {reason}',
  },
  REASON_REQUIRED: {
    class: 'validation',
    zh: '查看 L4 高敏字段须填写理由（--reason）',
    en: 'Revealing an L4 field needs a reason (--reason)',
  },
  CUSTOMER_NOT_FOUND: { class: 'not_found', zh: '客户 {id} 不存在', en: 'Customer {id} does not exist' },
  CUSTOMER_ERASED: {
    class: 'gone',
    zh: '客户 {id} 已于 {erasedAt} 删除（删除记录 {erasureId}）',
    en: 'Customer {id} was erased at {erasedAt} (erasure record {erasureId})',
  },
  PARENT_REQUIRED: {
    class: 'validation',
    zh: '联系人必须关联一个企业客户（--company ID）',
    en: 'A contact must belong to a company customer (--company ID)',
  },
  NOT_IDENTIFYING: {
    class: 'validation',
    zh: '客户没有任何可识别信息（至少需要姓名、手机、证件号、邮箱或企业名称之一）',
    en: 'The customer has no identifying data (name, mobile, ID number, email or company name)',
  },
  CONFLICT: { class: 'conflict', zh: '数据冲突：{detail}', en: 'Conflict: {detail}' },
  FORBIDDEN: { class: 'forbidden', zh: '无权执行此操作：{detail}', en: 'Not allowed: {detail}' },
  UNAUTHENTICATED: {
    class: 'unauthenticated',
    zh: '需要有效的访问令牌',
    en: 'A valid access token is required',
  },
  ALREADY_INITIALISED: {
    class: 'conflict',
    zh: '数据目录 {dir} 已初始化，不会覆盖已有密钥或数据',
    en: 'Data directory {dir} is already initialised; existing keys and data are never overwritten',
  },
  NOT_INITIALISED: {
    class: 'usage',
    zh: '数据目录 {dir} 尚未初始化，请先运行 `custodian init --data {dir}`',
    en: 'Data directory {dir} is not initialised; run `custodian init --data {dir}` first',
  },
  KEY_FILE_MISSING: {
    class: 'key',
    zh: '找不到主密钥文件 {path}。已有数据无法解密；请从安全备份恢复该文件，系统不会自动生成新密钥。',
    en: 'Root key file {path} is missing. Existing data cannot be opened; restore the file from its safe copy. A new key is never created over existing data.',
  },
  KEY_FILE_INVALID: {
    class: 'key',
    zh: '主密钥文件 {path} 无效：{detail}',
    en: 'Root key file {path} is invalid: {detail}',
  },
  KEY_FILE_PERMISSIONS: {
    class: 'key',
    zh: '主密钥文件 {path} 的权限过宽（{mode}），应为 0600',
    en: 'Root key file {path} is readable by others ({mode}); it must be mode 0600',
  },
  PASSPHRASE_MISSING: {
    class: 'key',
    zh: '此数据目录使用口令保护，请设置环境变量 CUSTODIAN_PASSPHRASE',
    en: 'This data directory is passphrase-protected; set CUSTODIAN_PASSPHRASE',
  },
  PASSPHRASE_WRONG: {
    class: 'key',
    zh: '口令错误，无法解开组织密钥',
    en: 'Wrong passphrase: the organisation keys cannot be unwrapped',
  },
  ROOT_KEY_MISMATCH: {
    class: 'key',
    zh: '主密钥与此数据库不匹配，无法解开组织密钥',
    en: 'The root key does not match this database: the organisation keys cannot be unwrapped',
  },
  CIPHERTEXT_MISMATCH: {
    class: 'integrity',
    zh: '密文无法解密：它不属于此客户或字段，或已被篡改（{where}）',
    en: 'Ciphertext cannot be decrypted: it does not belong to this customer or field, or was altered ({where})',
  },
  CIPHERTEXT_FORMAT: {
    class: 'integrity',
    zh: '不支持的密文格式版本 {version}',
    en: 'Unsupported ciphertext format version {version}',
  },
  KEY_VERSION_UNKNOWN: {
    class: 'key',
    zh: '组织密钥版本 {version} 不存在或已退役',
    en: 'Organisation key version {version} is unknown or retired',
  },
  AUDIT_CHAIN_BROKEN: {
    class: 'integrity',
    zh: '审计链校验失败：第 {seq} 条事件 {reason}',
    en: 'Audit chain verification failed at event {seq}: {reason}',
  },
  AUDIT_WRITE_FAILED: {
    class: 'store',
    zh: '审计记录写入失败，操作已取消，数据未返回',
    en: 'The audit record could not be written; the operation was cancelled and no data returned',
  },
  CHECKPOINT_INVALID: {
    class: 'integrity',
    zh: '检查点文件无效：{detail}',
    en: 'Invalid checkpoint file: {detail}',
  },
  STORE_UNAVAILABLE: {
    class: 'store',
    zh: '无法连接数据库：{detail}',
    en: 'Cannot reach the database: {detail}',
  },
  IMPORT_FILE_UNSUPPORTED: {
    class: 'validation',
    zh: '不支持的文件类型“{ext}”（支持 .xlsx、.csv、.tsv、.txt）',
    en: 'Unsupported file type "{ext}" (use .xlsx, .csv, .tsv or .txt)',
  },
  IMPORT_XLS_UNSUPPORTED: {
    class: 'validation',
    zh: '不支持旧版 .xls 文件：请在 Excel 中“另存为” .xlsx 后再导入（{file}）',
    en: 'Old .xls files are not supported: open it in Excel and "Save As" .xlsx, then import again ({file})',
  },
  IMPORT_BAD_ENCODING: {
    class: 'validation',
    zh: '无法识别文件 {file} 的编码：{detail}（可用 --encoding 指定，如 gbk、utf8）',
    en: 'Cannot decode {file}: {detail} (set --encoding, e.g. gbk or utf8)',
  },
  IMPORT_SHEET_NOT_FOUND: {
    class: 'not_found',
    zh: '工作簿 {file} 中没有名为“{sheet}”的工作表',
    en: 'Workbook {file} has no sheet named "{sheet}"',
  },
  IMPORT_EMPTY_FILE: {
    class: 'validation',
    zh: '文件 {file} 没有表头或数据',
    en: 'File {file} has no header or data',
  },
  IMPORT_MAPPING_INVALID: {
    class: 'validation',
    zh: '映射文件无效：{detail}',
    en: 'Invalid mapping file: {detail}',
  },
  IMPORT_FILE_CORRUPT: {
    class: 'validation',
    zh: '文件 {file} 已损坏或不是有效的 {format} 文件',
    en: 'File {file} is damaged or not a valid {format} file',
  },
  IMPORT_BATCH_NOT_FOUND: {
    class: 'not_found',
    zh: '导入批次 {id} 不存在',
    en: 'Import batch {id} does not exist',
  },
  TOKEN_NOT_FOUND: { class: 'not_found', zh: '令牌 {id} 不存在', en: 'Token {id} does not exist' },
  FILE_NOT_FOUND: { class: 'not_found', zh: '找不到文件 {path}', en: 'File not found: {path}' },
} as const satisfies Record<string, CatalogueEntry>;

export type ErrorCode = keyof typeof ERRORS;

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
    zh: '不支持的文件类型或内容“{ext}”（支持 .xlsx、.csv、.tsv、.txt，以及系统导出为 .xls/.html/.xml 的网页表格、Excel 2003 XML 和制表符分隔文本）',
    en: 'Unsupported file type or content "{ext}" (use .xlsx, .csv, .tsv or .txt; HTML tables, Excel 2003 XML and tab-separated text saved as .xls/.html/.xml are read too)',
  },
  IMPORT_XLS_UNSUPPORTED: {
    class: 'validation',
    zh: '不支持旧版 .xls 文件：请在 Excel 中“另存为” .xlsx 后再导入（{file}）',
    en: 'Old .xls files are not supported: open it in Excel and "Save As" .xlsx, then import again ({file})',
  },
  IMPORT_BAD_ENCODING: {
    class: 'validation',
    zh: '无法识别文件 {file} 的编码：{detail}{advice}',
    en: 'Cannot decode {file}: {detail}{advice}',
  },
  IMPORT_SHEET_NOT_FOUND: {
    class: 'not_found',
    zh: '文件 {file} 中没有名为“{sheet}”的工作表；它的工作表：{sheets}',
    en: 'File {file} has no sheet named "{sheet}"; its sheets: {sheets}',
  },
  IMPORT_EMPTY_FILE: {
    class: 'validation',
    zh: '文件 {file}{where} 没有表头或数据',
    en: 'File {file}{where} has no header or data',
  },
  IMPORT_NO_HEADER: {
    class: 'validation',
    zh: '工作表“{sheet}”第 {row} 行 {column} 列是{kindZh}而不是列名：文件似乎没有表头行。请在数据上方加一行表头（如 姓名、手机、身份证号）后再导入；未写入任何数据',
    en: 'Sheet "{sheet}" row {row}, column {column} holds {kind}, not a column name: the file seems to have no header row. Add a header row above the data (e.g. 姓名, 手机, 身份证号) and import again; nothing was written',
  },
  IMPORT_RESUME_OPTIONS: {
    class: 'conflict',
    zh: '导入批次 {id} 尚未完成，续传会沿用它开始时的选项，而本次给出的 {options} 与之不同：请用原来的选项重新运行（见 custodian import report {id}），或先回滚（custodian import rollback {id}）再按新选项导入',
    en: 'Import batch {id} is unfinished and resumes with the options it started with, but {options} differ: run it again with those options (custodian import report {id}), or roll it back (custodian import rollback {id}) and import with the new ones',
  },
  IMPORT_FORMULA_NOT_CALCULATED: {
    class: 'validation',
    zh: '文件 {file} 的工作表“{sheet}”单元格 {cell} 是公式，但文件里没有它的计算结果（由程序生成、未经 Excel 保存）：请在 Excel 中打开并保存后再导入；未写入任何数据',
    en: 'File {file}, sheet "{sheet}", cell {cell} holds a formula whose result the file does not store (written by a program, never saved by Excel): open and save it in Excel, then import again; nothing was written',
  },
  IMPORT_MAPPING_INVALID: {
    class: 'validation',
    zh: '映射文件无效：{detail}',
    en: 'Invalid mapping file: {detail}',
  },
  IMPORT_FILE_CORRUPT: {
    class: 'validation',
    zh: '文件 {file}{where} 已损坏或不是有效的 {format} 文件',
    en: 'File {file}{where} is damaged or not a valid {format} file',
  },
  IMPORT_BATCH_NOT_FOUND: {
    class: 'not_found',
    zh: '导入批次 {id} 不存在',
    en: 'Import batch {id} does not exist',
  },
  TOKEN_NOT_FOUND: { class: 'not_found', zh: '令牌 {id} 不存在', en: 'Token {id} does not exist' },
  FILE_NOT_FOUND: { class: 'not_found', zh: '找不到文件 {path}', en: 'File not found: {path}' },
  FILE_ACCESS_FAILED: {
    class: 'validation',
    zh: '无法访问文件 {path}：{detail}',
    en: 'Cannot access {path}: {detail}',
  },
  OUTPUT_NOT_WRITABLE: {
    class: 'validation',
    zh: '无法写入 {path}：{detail}',
    en: 'Cannot write {path}: {detail}',
  },
  IMPORT_BATCH_BUSY: {
    class: 'conflict',
    zh: '导入批次 {id} 正由另一个进程运行（{owner}）',
    en: 'Import batch {id} is being run by another process ({owner})',
  },
  SEARCH_INDEX_BUSY: {
    class: 'conflict',
    zh: '批量载入 {id} 尚未完成（{status}），其搜索索引尚未发布；请先续做或回滚后再重建索引',
    en: 'Bulk load {id} is unfinished ({status}) and its search entries are not published yet; resume or roll it back, then rebuild the index',
  },
  IMPORT_BATCH_STATE: {
    class: 'conflict',
    zh: '导入批次 {id} 的状态为 {status}，不能{action}',
    en: 'Import batch {id} is {status}; it cannot be {action}',
  },
  IMPORT_FILE_CHANGED: {
    class: 'conflict',
    zh: '文件 {file} 与导入批次 {id} 的原文件不同（SHA-256 不一致），不能续传',
    en: 'File {file} is not the file of import batch {id} (SHA-256 differs); it cannot be resumed with it',
  },
  IMPORT_ROW_NOT_FOUND: {
    class: 'not_found',
    zh: '导入批次 {id} 的隔离区中没有第 {row} 行',
    en: 'Import batch {id} has no quarantined row {row}',
  },
  IMPORT_ROW_STILL_INVALID: {
    class: 'validation',
    zh: '修正后的行仍然无效：{reasons}',
    en: 'The corrected row is still invalid: {reasons}',
  },
  IMPORT_ROLLBACK_BLOCKED: {
    class: 'conflict',
    zh: '不能回滚导入批次 {id}：{count} 个其他客户（联系人）关联到该批次创建的企业',
    en: 'Import batch {id} cannot be rolled back: {count} other customers (contacts) belong to companies it created',
  },
  IMPORT_UPLOAD_INVALID: {
    class: 'validation',
    zh: '上传无效：{detail}',
    en: 'Invalid upload: {detail}',
  },
  LOGIN_FAILED: {
    class: 'unauthenticated',
    zh: '用户名或密码错误',
    en: 'Wrong username or password',
  },
  TOTP_REQUIRED: {
    class: 'unauthenticated',
    zh: '请输入身份验证器中的 6 位动态码',
    en: 'Enter the 6-digit code from your authenticator app',
  },
  TOTP_INVALID: {
    class: 'unauthenticated',
    zh: '动态码错误或已使用',
    en: 'The code is wrong or was already used',
  },
  TOTP_CODE_WRONG: {
    class: 'validation',
    zh: '动态码不正确，请检查手机时间后重试',
    en: 'The code is wrong; check the phone clock and try again',
  },
  TOTP_ENROLMENT_REQUIRED: {
    class: 'forbidden',
    zh: '此角色必须先启用两步验证（身份验证器）',
    en: 'This role must set up two-factor authentication (an authenticator app) first',
  },
  TOTP_STATE: {
    class: 'conflict',
    zh: '两步验证状态不允许此操作：{detail}',
    en: 'Two-factor authentication is not in a state for this: {detail}',
  },
  PASSWORD_CHANGE_REQUIRED: {
    class: 'forbidden',
    zh: '首次登录或密码被重置后须先修改密码',
    en: 'Change your password first (first sign-in or after a reset)',
  },
  PASSWORD_WRONG: {
    class: 'validation',
    zh: '当前密码不正确',
    en: 'The current password is wrong',
  },
  PASSWORD_POLICY: {
    class: 'validation',
    zh: '新密码不符合要求：{detailZh}',
    en: 'The new password does not meet the policy: {detail}',
  },
  CSRF_FAILED: {
    class: 'forbidden',
    zh: '缺少或错误的 CSRF 令牌（请求头 x-csrf-token）',
    en: 'Missing or wrong CSRF token (header x-csrf-token)',
  },
  SESSION_REQUIRED: {
    class: 'forbidden',
    zh: '此操作需要以用户身份登录（API 令牌不可用）',
    en: 'This needs a signed-in user (not an API token)',
  },
  USER_NOT_FOUND: { class: 'not_found', zh: '用户 {id} 不存在', en: 'User {id} does not exist' },
  USER_EXISTS: { class: 'conflict', zh: '用户名“{username}”已存在', en: 'Username "{username}" is taken' },
  ROLE_UNKNOWN: { class: 'validation', zh: '角色“{role}”不存在', en: 'Role "{role}" does not exist' },
  ROLE_EXISTS: { class: 'conflict', zh: '角色“{role}”已存在', en: 'Role "{role}" already exists' },
  ROLE_INVALID: { class: 'validation', zh: '角色定义无效：{detail}', en: 'Invalid role: {detail}' },
  ROLES_INCOMPATIBLE: {
    class: 'validation',
    zh: '职责分离：角色 {roles} 不能由同一人兼任（管理、业务操作与审计须分开）',
    en: 'Separation of duties: roles {roles} cannot be held by one person (administration, operation and audit are kept apart)',
  },
  SELF_CHANGE_FORBIDDEN: {
    class: 'forbidden',
    zh: '不能修改自己的角色或状态，请由另一位管理员操作',
    en: 'You cannot change your own roles or status; ask another administrator',
  },
  APPROVAL_NOT_FOUND: {
    class: 'not_found',
    zh: '导出审批 {id} 不存在',
    en: 'Export approval {id} does not exist',
  },
  APPROVAL_STATE: {
    class: 'conflict',
    zh: '导出审批 {id} 的状态为 {status}，不能{action}',
    en: 'Export approval {id} is {status}; it cannot be {action}',
  },
  APPROVAL_SELF: {
    class: 'forbidden',
    zh: '不能审批自己提交的导出申请，须由另一人（DPO 或管理员）审批',
    en: 'You cannot approve your own export request; a second person (DPO or admin) must',
  },
  APPROVAL_REQUIRED: {
    class: 'forbidden',
    zh: '此导出（{rows} 行，敏感字段 {fields}）须先经另一人审批（POST /api/v1/approvals）',
    en: "This export ({rows} rows, sensitive fields {fields}) needs a second person's approval first (POST /api/v1/approvals)",
  },
  APPROVAL_MISMATCH: {
    class: 'forbidden',
    zh: '导出审批 {id} 不涵盖此导出：{detail}',
    en: 'Export approval {id} does not cover this export: {detail}',
  },
  TRANSFER_NOT_FOUND: { class: 'not_found', zh: '转让案件 {id} 不存在', en: 'Transfer {id} does not exist' },
  TRANSFER_STATE: {
    class: 'conflict',
    zh: '转让案件 {id} 的状态为 {status}，不能{action}',
    en: 'Transfer {id} is {status}; it cannot {action}',
  },
  TRANSFER_BLOCKED: {
    class: 'conflict',
    zh: '转让案件 {id} 仍有未解决的阻断项：{items}（解决后重新运行 readiness，或由 DPO 以 `transfer accept` 说明理由接受）',
    en: 'Transfer {id} still has blocking items: {items} (resolve and re-run readiness, or have the DPO accept them with `transfer accept`)',
  },
  COUNTERPARTY_NOT_FOUND: {
    class: 'not_found',
    zh: '交易对方 {id} 不存在（先用 `custodian org identity import` 导入其身份文件）',
    en: 'Counterparty {id} does not exist (import its identity file with `custodian org identity import` first)',
  },
  IDENTITY_FILE_INVALID: {
    class: 'validation',
    zh: '身份文件无效：{detail}',
    en: 'Invalid identity file: {detail}',
  },
  TRANSFER_SELLER_UNKNOWN: {
    class: 'integrity',
    zh: '清单的签名密钥（指纹 {fingerprint}）不属于任何已导入的交易对方，拒绝接收',
    en: 'The manifest is signed by a key (fingerprint {fingerprint}) of no imported counterparty; refused',
  },
  TRANSFER_SIGNATURE_INVALID: {
    class: 'integrity',
    zh: '{what}签名无效，拒绝处理',
    en: 'The {whatEn} signature does not verify; refused',
  },
  TRANSFER_PACKAGE_MISMATCH: {
    class: 'integrity',
    zh: '数据包与清单不符：{detail}；未导入任何数据',
    en: 'The package does not match its manifest: {detail}; nothing was imported',
  },
  TRANSFER_PACKAGE_CORRUPT: {
    class: 'integrity',
    zh: '数据包已损坏或被截断：{detail}；未导入任何数据',
    en: 'The package is damaged or truncated: {detail}; nothing was imported',
  },
  TRANSFER_NOT_RECIPIENT: {
    class: 'key',
    zh: '本组织的身份密钥无法解开此数据包（它不是发给本组织的）；未导入任何数据',
    en: "This organisation's identity cannot open the package (it was not encrypted to it); nothing was imported",
  },
  TRANSFER_ALREADY_RECEIVED: {
    class: 'conflict',
    zh: '转让 {id} 的数据包已于 {at} 接收，拒绝重复导入',
    en: 'The package of transfer {id} was already received at {at}; a replay is refused',
  },
  TRANSFER_RECEIPT_INVALID: {
    class: 'integrity',
    zh: '回执无效：{detail}；未销毁任何数据',
    en: 'Invalid receipt: {detail}; nothing was destroyed',
  },
  TRANSFER_INBOUND_NOT_FOUND: {
    class: 'not_found',
    zh: '接收记录 {id} 不存在',
    en: 'Received package {id} does not exist',
  },
  TRANSFER_READINESS_MISSING: {
    class: 'not_found',
    zh: '转让案件 {id} 尚未运行准备度审计（POST /transfers/{id}/readiness 或 `transfer readiness`）',
    en: 'Transfer {id} has no readiness report yet (run POST /transfers/{id}/readiness or `transfer readiness`)',
  },
  TRANSFER_CAMPAIGN_EXISTS: {
    class: 'conflict',
    zh: '转让案件 {id} 已有通知批次 {campaignId}，不会重复通知客户',
    en: 'Transfer {id} already has the notice campaign {campaignId}; customers are not notified twice',
  },
  TRANSFER_UPLOAD_INVALID: {
    class: 'validation',
    zh: '上传的移交包无效：{detail}',
    en: 'Invalid package upload: {detail}',
  },
  NOTICE_CAMPAIGN_NOT_FOUND: {
    class: 'not_found',
    zh: '通知批次 {id} 不存在',
    en: 'Notice campaign {id} does not exist',
  },
  NOTICE_INVALID: { class: 'validation', zh: '通知设置无效：{detail}', en: 'Invalid notice: {detail}' },
  NOTICE_NOT_IN_SCOPE: {
    class: 'not_found',
    zh: '客户 {customerId} 不在通知批次 {id} 的范围内',
    en: 'Customer {customerId} is not covered by notice campaign {id}',
  },
  NOTICE_WINDOW_CLOSED: {
    class: 'conflict',
    zh: '通知批次 {id} 的答复期已于 {closesAt} 结束',
    en: 'The answer window of notice campaign {id} closed at {closesAt}',
  },
  NOTICE_CHANNEL_UNCONFIGURED: {
    class: 'usage',
    zh: '未配置 {channel} 发送通道（{hint}）',
    en: 'The {channel} channel is not configured ({hint})',
  },
  NOTICE_RECEIPT_UNAUTHENTICATED: {
    class: 'unauthenticated',
    zh: '回执请求缺少或带有错误的共享密钥（x-custodian-receipt-secret）',
    en: 'The receipt request lacks the right shared secret (x-custodian-receipt-secret)',
  },
  PORTAL_LINK_INVALID: {
    class: 'gone',
    zh: '链接无效、已过期或已使用',
    en: 'The link is invalid, expired or already used',
  },
  PORTAL_CODE_INVALID: {
    class: 'validation',
    zh: '验证码错误，还可尝试 {left} 次',
    en: 'Wrong code; {left} attempts left',
  },
  PORTAL_CODE_EXPIRED: {
    class: 'validation',
    zh: '验证码已过期，请重新获取',
    en: 'The code has expired; ask for a new one',
  },
  PORTAL_CODE_LOCKED: {
    class: 'forbidden',
    zh: '验证码错误次数过多，请重新获取验证码',
    en: 'Too many wrong codes; ask for a new code',
  },
  PORTAL_FORM_STALE: {
    class: 'forbidden',
    zh: '页面已过期，请重新打开链接',
    en: 'This page has expired; open the link again',
  },
  NOTICE_SEND_FAILED: {
    class: 'store',
    zh: '消息未能发出，请稍后再试（{detail}）',
    en: 'The message could not be sent; try again later ({detail})',
  },
  PORTAL_CODE_LIMIT: {
    class: 'forbidden',
    zh: '此链接的验证码次数已用完，请通过通知中的联系方式答复',
    en: 'No more codes can be sent for this link; answer through the contact details in the notice',
  },
  CUSTOMER_RESTRICTED: {
    class: 'forbidden',
    zh: '客户 {id} 处于限制处理状态（仅可存储和安全保护，PIPL 第47条），不能查看明文',
    en: 'Customer {id} is restricted (storage and security only, PIPL Art. 47); values cannot be revealed',
  },
} as const satisfies Record<string, CatalogueEntry>;

export type ErrorCode = keyof typeof ERRORS;

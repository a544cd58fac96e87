import { type Stats, statSync } from 'node:fs';
import { AppError } from './app-error.js';

/** What a file-system error code means to the person who named the path. */
const FILE_PROBLEMS: Record<string, string> = {
  ENOENT: 'no such file or folder / 文件或目录不存在',
  ENOTDIR: 'a folder on the path does not exist / 路径中的目录不存在',
  EACCES: 'permission denied / 没有权限',
  EPERM: 'permission denied / 没有权限',
  EROFS: 'read-only file system / 只读文件系统',
  EISDIR: 'it is a folder / 这是一个目录',
  ENOSPC: 'the disk is full / 磁盘已满',
};

/** A known problem's words, else the code itself. */
export function fileProblem(code: string | undefined): string {
  return FILE_PROBLEMS[code ?? ''] ?? code ?? 'unknown';
}

/**
 * A Node file-system error on a path (reading an input, writing an output the user named) as
 * FILE_ACCESS_FAILED naming the path and the problem; anything else is undefined. Without it a
 * mistyped --out folder ended as INTERNAL.
 */
export function fileAccessError(err: unknown): AppError | undefined {
  const e = err as NodeJS.ErrnoException | undefined;
  if (!e || typeof e.code !== 'string' || typeof e.syscall !== 'string' || typeof e.path !== 'string')
    return undefined;
  if (!(e.code in FILE_PROBLEMS)) return undefined;
  return new AppError('FILE_ACCESS_FAILED', { path: e.path, detail: fileProblem(e.code) });
}

/** The file or folder at `path`, or null when there is none (or it cannot be reached). */
export function statOrNull(path: string): Stats | null {
  try {
    return statSync(path);
  } catch {
    return null;
  }
}

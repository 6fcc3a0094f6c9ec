// Attachments on disk under ATENDE_DATA_DIR: at most 20 MB, type decided by the content's magic
// bytes (never by the sender's name or declared type), a row in `attachments`, bytes read back.
import { createHash } from 'node:crypto';
import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { getAttachment, insertAttachment, newId, type Attachment, type Database, type MessageAuthor } from '@atende/db';
import { fileTypeFromBuffer } from 'file-type';

export const MAX_ATTACHMENT_BYTES = 20 * 1024 * 1024;

/** Documents, images, audio and video a citizen or an agent may exchange (detected types). */
const ALLOWED = new Set([
  'application/pdf',
  'image/jpeg',
  'image/png',
  'image/gif',
  'image/webp',
  'audio/ogg',
  'audio/opus',
  'audio/mpeg',
  'audio/mp4',
  'audio/x-m4a',
  'audio/aac',
  'audio/amr',
  'audio/wav',
  'audio/vnd.wave',
  'audio/webm',
  'video/mp4',
  'video/webm',
  'video/3gpp',
  'video/quicktime',
  'application/vnd.openxmlformats-officedocument.wordprocessingml.document',
  'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
  'application/vnd.openxmlformats-officedocument.presentationml.presentation',
  'application/vnd.oasis.opendocument.text',
  'application/vnd.oasis.opendocument.spreadsheet',
]);

export type AttachmentRefusal = 'attachment_too_large' | 'attachment_type_not_allowed' | 'attachment_empty';

/** A file refused by the rules above, with the pt-BR sentence the citizen or agent is shown. */
export class AttachmentError extends Error {
  constructor(
    readonly code: AttachmentRefusal,
    message: string,
    readonly details: Record<string, unknown> = {},
  ) {
    super(message);
    this.name = 'AttachmentError';
  }
}

export function tooLarge(sizeBytes?: number): AttachmentError {
  return new AttachmentError('attachment_too_large', 'O arquivo excede o limite de 20 MB.', { limitBytes: MAX_ATTACHMENT_BYTES, ...(sizeBytes ? { sizeBytes } : {}) });
}

export interface SaveAttachment {
  conversationId: string;
  uploadedBy: MessageAuthor;
  fileName?: string;
  bytes: Uint8Array;
  messageId?: string;
}

export class FileStore {
  constructor(
    private readonly db: Database,
    readonly directory: string,
  ) {}

  /** Checks and keeps a file; throws AttachmentError when it breaks a rule. */
  async save(input: SaveAttachment): Promise<Attachment> {
    const size = input.bytes.byteLength;
    if (size === 0) throw new AttachmentError('attachment_empty', 'O arquivo está vazio.');
    if (size > MAX_ATTACHMENT_BYTES) throw tooLarge(size);
    const detected = await fileTypeFromBuffer(input.bytes);
    if (!detected || !ALLOWED.has(detected.mime)) {
      throw new AttachmentError(
        'attachment_type_not_allowed',
        'Tipo de arquivo não permitido. Envie PDF, imagem (JPG, PNG, WEBP), áudio, vídeo ou documento do Office/LibreOffice.',
        { detected: detected?.mime ?? null },
      );
    }
    const id = newId();
    const now = new Date();
    // Spread over month folders so no directory grows without bound; the id is the file name.
    const storagePath = join(String(now.getUTCFullYear()), String(now.getUTCMonth() + 1).padStart(2, '0'), `${id}.${detected.ext}`);
    const target = join(this.directory, storagePath);
    await mkdir(dirname(target), { recursive: true });
    // Written aside, then renamed: a crash never leaves a half file under a stored name.
    await writeFile(`${target}.part`, input.bytes);
    await rename(`${target}.part`, target);
    return insertAttachment(this.db, {
      id,
      conversationId: input.conversationId,
      messageId: input.messageId ?? null,
      uploadedBy: input.uploadedBy,
      fileName: safeFileName(input.fileName, detected.ext),
      mimeType: detected.mime,
      sizeBytes: size,
      sha256: createHash('sha256').update(input.bytes).digest('hex'),
      storagePath,
    });
  }

  async get(id: string): Promise<Attachment | undefined> {
    return getAttachment(this.db, id);
  }

  async read(file: Attachment): Promise<Buffer> {
    return readFile(join(this.directory, file.storagePath));
  }
}

/** The sender's file name without paths or control characters, with the detected extension. */
export function safeFileName(name: string | undefined, ext: string): string {
  const base = (name ?? '')
    .split(/[\\/]/)
    .pop()!
    .replace(/[\p{Cc}"<>|:*?]/gu, '')
    .trim()
    .slice(0, 150);
  if (base === '' || base.startsWith('.')) return `arquivo.${ext}`;
  return base.toLowerCase().endsWith(`.${ext}`) ? base : `${base.replace(/\.[^.]*$/, '')}.${ext}`;
}

/** A Content-Disposition header value that survives any file name (RFC 6266 filename*). */
export function contentDisposition(fileName: string, inline: boolean): string {
  const ascii = fileName.replace(/[^\x20-\x7e]/g, '_').replace(/["\\]/g, '_');
  return `${inline ? 'inline' : 'attachment'}; filename="${ascii}"; filename*=UTF-8''${encodeURIComponent(fileName)}`;
}

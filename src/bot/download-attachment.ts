import { fetchUrl, MAX_DOCUMENT_BYTES } from '../engine/ingest/index.js';
import { cleanLine } from '../engine/ingest/clean-metadata.js';
import { formatBytes, ingestError } from '../engine/ingest/ingest-error.js';

/** What the bot needs of a Discord attachment (discord.js `Attachment` has these). */
export interface AttachmentRef {
  name: string;
  /** Size Discord states, in bytes. */
  size: number;
  url: string;
}

/**
 * Downloads a chat attachment for ingest. The stated size is checked before any byte is
 * fetched, and the download is capped again (a stated size is only a claim). The CDN labels
 * files application/octet-stream, so the type is left to the ingest code, which types the
 * bytes by content; the address policy still applies to the CDN URL.
 *
 * @example await downloadAttachment({ name: 'note.md', size: 812, url: 'https://cdn.discordapp.com/…' }, [])
 *   // { name: 'note.md', data: [<Buffer …>] }
 * @throws IngestError (TOO_LARGE, FORBIDDEN_ADDRESS, HTTP_STATUS, TIMEOUT, …), safe to show
 */
export async function downloadAttachment(
  attachment: AttachmentRef,
  allowHosts: readonly string[],
  maxBytes = MAX_DOCUMENT_BYTES,
): Promise<{ name: string; data: Buffer[] }> {
  if (attachment.size > maxBytes) {
    throw ingestError('TOO_LARGE', { file: cleanLine(attachment.name, 100), limit: formatBytes(maxBytes) });
  }
  const document = await fetchUrl(attachment.url, { anyContentType: true, allowHosts, maxBytes });
  // The pieces as downloaded: the extraction worker joins them, off the bot's event loop.
  return { name: attachment.name, data: document.chunks };
}

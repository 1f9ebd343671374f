import { attachmentStorageSettings, type Config } from '@guichet/config';
import { LocalDiskStorage, type AttachmentStorage } from './attachments';
import { S3Storage } from './s3-storage';

/** The attachment storage the configuration asks for. */
export function attachmentStorage(config: Config): AttachmentStorage {
  const settings = attachmentStorageSettings(config);
  return settings.kind === 's3' ? new S3Storage(settings) : new LocalDiskStorage(settings.directory);
}

import { PassThrough, Readable } from 'node:stream';
import { DeleteObjectCommand, GetObjectCommand, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import type { AttachmentStorage } from './attachments';

export interface S3Settings {
  /** https://s3.fr-par.scw.cloud, http://minio.internal:9000… (absent: AWS). */
  endpoint?: string;
  region: string;
  bucket: string;
  accessKeyId: string;
  secretAccessKey: string;
  /** Most S3-compatible servers want path-style addresses (`endpoint/bucket/key`). */
  forcePathStyle?: boolean;
  /** Prefix of every key in the bucket. */
  prefix?: string;
}

/**
 * Attachments in an S3-compatible bucket (AWS, Scaleway, OVHcloud, Outscale,
 * MinIO, Garage…). Objects are written once (`If-None-Match: *` where the
 * server supports it), with server-side encryption asked for, and never made
 * public: downloads go through Guichet, which checks who asks.
 */
export class S3Storage implements AttachmentStorage {
  private readonly client: S3Client;

  constructor(private readonly settings: S3Settings) {
    this.client = new S3Client({
      region: settings.region,
      endpoint: settings.endpoint,
      forcePathStyle: settings.forcePathStyle ?? true,
      credentials: { accessKeyId: settings.accessKeyId, secretAccessKey: settings.secretAccessKey },
      maxAttempts: 3,
    });
  }

  private key(key: string): string {
    if (!/^[0-9a-f-]{36}\/[0-9a-f-]{36}\/[0-9a-f-]{36}$/.test(key)) throw new Error(`invalid storage key: ${key}`);
    return `${this.settings.prefix ?? ''}${key}`;
  }

  async put(key: string, bytes: Buffer): Promise<void> {
    await this.client.send(
      new PutObjectCommand({
        Bucket: this.settings.bucket,
        Key: this.key(key),
        Body: bytes,
        ContentLength: bytes.length,
        ContentType: 'application/octet-stream',
      }),
    );
  }

  /** The object as a stream; a missing object or an unreachable server surfaces as the stream's error. */
  get(key: string): Readable {
    const out = new PassThrough();
    this.client
      .send(new GetObjectCommand({ Bucket: this.settings.bucket, Key: this.key(key) }))
      .then((object) => {
        const body = object.Body as Readable | undefined;
        if (!body) throw new Error('empty object');
        body.on('error', (error) => out.destroy(error));
        body.pipe(out);
      })
      .catch((error: unknown) => out.destroy(error as Error));
    return out;
  }

  async delete(key: string): Promise<void> {
    await this.client.send(new DeleteObjectCommand({ Bucket: this.settings.bucket, Key: this.key(key) }));
  }

  close(): void {
    this.client.destroy();
  }
}

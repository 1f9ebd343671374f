import { Injectable, type OnApplicationShutdown } from '@nestjs/common';

/**
 * What the app opened outside Nest's providers (the session store's pool, the
 * rate-limit store), closed when the app closes, last opened first. A hook
 * rather than a wrapped `app.close`: NestFactory hands out a proxy that
 * silently ignores assignments to it.
 */
@Injectable()
export class ShutdownTasks implements OnApplicationShutdown {
  private readonly tasks: Array<() => Promise<void>> = [];

  add(task: () => Promise<void>): void {
    this.tasks.push(task);
  }

  async onApplicationShutdown(): Promise<void> {
    for (const task of this.tasks.splice(0).reverse()) await task().catch(() => undefined);
  }
}

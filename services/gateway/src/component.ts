import type { Bus } from '@volstream/bus';
import type { Logger } from '@volstream/logging';
import { build, type Gateway, type GatewayOptions } from './app.ts';

/** The slice of `volstream run`'s ComponentContext the gateway uses (structural, no CLI import). */
export interface GatewayComponentContext {
  readonly bus: Bus;
  readonly logger: Logger;
}

export interface GatewayComponentOptions {
  /** Port to listen on (0 = ephemeral). */
  port: number;
  host?: string;
  /**
   * When the port is taken, listen on an ephemeral port instead and say so loudly (embedded
   * default, so a second `volstream run` or a test run does not fail on a busy 8080). An explicit
   * --port should set this to false.
   */
  fallbackToEphemeral?: boolean;
  gateway?: Partial<GatewayOptions>;
}

/** The gateway as a `volstream run` component: start() resolves once it listens. */
export function createGatewayComponent(options: GatewayComponentOptions) {
  let gateway: Gateway | undefined;
  return {
    name: 'gateway',
    get gateway(): Gateway | undefined {
      return gateway;
    },
    async start(ctx: GatewayComponentContext): Promise<{ describe: string }> {
      const host = options.host ?? '127.0.0.1';
      let port: number;
      try {
        gateway = build({ logger: ctx.logger, bus: ctx.bus, options: options.gateway ?? {} });
        port = await gateway.listen(options.port, host);
      } catch (error) {
        await gateway?.close();
        gateway = undefined;
        if ((error as NodeJS.ErrnoException).code !== 'EADDRINUSE' || options.fallbackToEphemeral !== true)
          throw error;
        gateway = build({ logger: ctx.logger, bus: ctx.bus, options: options.gateway ?? {} });
        port = await gateway.listen(0, host);
        ctx.logger.warn(
          { wanted: options.port, port },
          `port ${options.port} is in use: gateway on port ${port} instead`,
        );
      }
      return {
        describe: `gateway on http://${host}:${port} (REST /v1, docs /docs, stream ws://${host}:${port}/v1/stream)`,
      };
    },
    async stop(): Promise<void> {
      await gateway?.close();
      gateway = undefined;
    },
  };
}

// A deployment opened from its services file: the object the CLI, the REPL (`storm.exec(...)`)
// and scripts act on. Owns one transport pool, so connections are reused for its whole life.
import { loadInventory } from '../inventory/load.js';
import { expandNodeSet } from '../inventory/nodeset.js';
import type { Inventory } from '../inventory/types.js';
import type { InventoryCacheOptions } from '../inventory/inventory-cache.js';
import { fanout, type FanoutOptions } from '../fleet/fanout.js';
import type { Command } from '../transport/command.js';
import type { CloseOptions, CommandResult } from '../transport/types.js';
import { TransportPool } from '../transport/pool.js';
import { KnownHosts } from '../transport/hostkeys/index.js';
import { targetResolver } from './targets.js';

export interface OpenOptions {
  /**
   * Keep a shell session open on each host for later commands (default true). A process that runs
   * one command per host and exits (`salvo exec`) passes false: each command then goes over its
   * own exec channel, one round trip and one remote shell fewer than starting a session first.
   */
  session?: boolean;
  /** Things worth knowing that are not failures: skipped identity files, agent trouble, and
   * (only when given) what each connection negotiated. `salvo exec -v` prints them. */
  onNote?: (host: string, note: string) => void;
  /** Reuse the services file's parsed result from an earlier run (inventory-cache.ts). */
  inventoryCache?: InventoryCacheOptions;
}

export class Deployment {
  private constructor(
    readonly inventory: Inventory,
    readonly pool: TransportPool,
  ) {}

  static async open(file: string, options: OpenOptions = {}): Promise<Deployment> {
    const inventory = await loadInventory(
      file,
      options.inventoryCache ? { cache: options.inventoryCache } : {},
    );
    const knownHosts = await KnownHosts.load(inventory.ssh.knownHosts);
    const pool = new TransportPool({
      resolveTarget: targetResolver(inventory),
      hostKeyPolicy: knownHosts,
      channelsPerConnection: inventory.ssh.channelsPerConnection,
      session: options.session ?? true,
      ...(options.onNote ? { onNote: options.onNote } : {}),
    });
    return new Deployment(inventory, pool);
  }

  get name(): string {
    return this.inventory.deployment;
  }

  /** Expand a node set against this deployment's groups (`@web`, `cloud[1-4]!cloud3`). */
  nodes(expr: string): string[] {
    return expandNodeSet(expr, (g) => this.inventory.groups.get(g));
  }

  /** Run one command on every host of the node set; one result per host, in node-set order. */
  async exec(
    expr: string | string[],
    command: Command,
    options: Partial<FanoutOptions> = {},
  ): Promise<CommandResult[]> {
    const hosts = Array.isArray(expr) ? expr : this.nodes(expr);
    // An explicit window holds every host (`-f 1` runs one host at a time); the services file's
    // ssh.concurrency only paces new connections.
    const window = options.concurrency === undefined ? 'connecting' : 'all';
    return fanout(hosts, (h) => this.pool.get(h), command, {
      concurrency: this.inventory.ssh.concurrency,
      window,
      ...options,
    });
  }

  async close(options: CloseOptions = {}): Promise<void> {
    await this.pool.closeAll(options);
  }
}

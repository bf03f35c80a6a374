// The operator console in real headless Chromium (Debian's chromium, driven by playwright-core) against the
// four real services in-process, the real PostgreSQL and RabbitMQ, and a real receiver. Every wait is on a
// condition (Playwright's waiting locators); a screenshot of each page goes to test-results/console/.
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { existsSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import jwt from 'jsonwebtoken';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';
import type { Config } from '@hookway/config';
import { hmacSha256Hex } from '@hookway/signing';
import {
  createTestBroker, createTestDatabase, silentLogger, startReceiver, testConfig,
  type Receiver, type ReceiverReply, type TestBroker, type TestDatabase,
} from '@hookway/testing';
import { buildConsole } from '../../scripts/build-console.js';
import { start as startAudit } from '../../services/audit/src/main.js';
import { start as startDispatcher } from '../../services/dispatcher/src/main.js';
import { start as startIngress } from '../../services/ingress/src/main.js';
import { start as startManagement } from '../../services/management/src/main.js';

const root = fileURLToPath(new URL('../..', import.meta.url));
const shots = join(root, 'test-results', 'console');
const UI_TIMEOUT_MS = 15_000;

function chromiumPath(): string {
  const candidates = [process.env.CHROMIUM_PATH, '/usr/bin/chromium', '/usr/bin/chromium-browser'].filter((path): path is string => Boolean(path));
  const found = candidates.find((path) => existsSync(path));
  if (!found) {
    throw new Error(
      'the console browser tests need Debian\'s chromium: apt-get install -y chromium (scripts/test.sh does this as root), ' +
        'or set CHROMIUM_PATH to a Chromium binary. Playwright\'s own browser download is not used.',
    );
  }
  return found;
}

interface Running {
  stop(): Promise<void>;
}

describe('the operator console in Chromium', () => {
  let database: TestDatabase;
  let broker: TestBroker;
  let receiver: Receiver;
  let config: Config;
  let services: Running[] = [];
  let browser: Browser | undefined;
  let context: BrowserContext;
  let page: Page;
  let ingress: string;
  let consoleUrl: string;
  // The receiver fails /fail until the test fixes it.
  let failing = true;

  const shot = async (name: string, target: Page = page): Promise<void> => {
    await target.screenshot({ path: join(shots, `${name}.png`), fullPage: true });
  };

  const signIn = async (target: Page, credential: string): Promise<void> => {
    await target.goto(consoleUrl);
    await target.getByLabel('Management API key or JWT').fill(credential);
    await target.getByRole('button', { name: 'Sign in' }).click();
  };

  const sendWebhook = async (eventId: string, eventType: string): Promise<string> => {
    const body = JSON.stringify({ eventId, eventType, occurredAt: new Date().toISOString(), subject: `order/${eventId}`, data: { orderId: eventId, total: 1999 } });
    const response = await fetch(`${ingress}/api/v1/webhooks/acme`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-acme-signature': `sha256=${hmacSha256Hex(config.acmeWebhookSecret, body)}` },
      body,
    });
    expect(response.status).toBe(202);
    return ((await response.json()) as { data: { eventId: string } }).data.eventId;
  };

  beforeAll(async () => {
    const executablePath = chromiumPath();
    // The bundle the service serves, built from the current sources.
    expect(buildConsole()).toBe(true);
    mkdirSync(shots, { recursive: true });
    database = await createTestDatabase('console');
    broker = await createTestBroker('console', [50, 100]);
    config = testConfig({ databaseUrl: database.url, brokerPrefix: broker.prefix });
    receiver = await startReceiver();
    receiver.reply((request): ReceiverReply => (request.path.startsWith('/fail') && failing
      ? { status: 500, body: 'receiver is down', headers: { 'x-receiver': 'failing' } }
      : { status: 200, body: '{"ok":true}', headers: { 'content-type': 'application/json', 'x-receiver': 'ok' } }));
    const audit = await startAudit(config, silentLogger('audit'));
    const dispatcher = await startDispatcher(config, silentLogger('dispatcher'));
    const ingressService = await startIngress(config, silentLogger('ingress'));
    const managementService = await startManagement(config, silentLogger('management'));
    services = [managementService, ingressService, dispatcher, audit];
    ingress = `http://127.0.0.1:${ingressService.port}`;
    consoleUrl = `http://127.0.0.1:${managementService.port}/console/`;
    browser = await chromium.launch({ executablePath, headless: true, args: ['--no-sandbox', '--disable-dev-shm-usage'] });
    context = await browser.newContext({ viewport: { width: 1280, height: 800 }, permissions: ['clipboard-read', 'clipboard-write'] });
    context.setDefaultTimeout(UI_TIMEOUT_MS);
    page = await context.newPage();
  }, 90_000);

  afterAll(async () => {
    await browser?.close();
    for (const service of services) await service.stop();
    await receiver?.close();
    await broker?.cleanup();
    await database?.drop();
  });

  it('with a wrong key, shows the API\'s 401 and stays on sign-in', async () => {
    await signIn(page, 'not-the-key');
    await page.getByRole('alert').filter({ hasText: '401 UNAUTHORIZED' }).waitFor();
    expect(await page.locator('header nav').count()).toBe(0);
    await shot('sign-in-wrong-key');
  });

  it('signs in with the API key and shows the overview with its chart and the audit chain', async () => {
    await signIn(page, config.managementApiKey);
    await page.getByRole('heading', { name: 'Overview' }).waitFor();
    await page.getByTestId('chain').filter({ hasText: 'valid' }).waitFor();
    await page.locator('.chart canvas').first().waitFor();
    // Kept for the tab only, never in localStorage.
    expect(await page.evaluate<number>('window.localStorage.length')).toBe(0);
    expect(await page.evaluate<string[]>('Object.keys(window.sessionStorage)')).toEqual(['hookway.console.credential']);
    await shot('overview');
  });

  it('creates an integration and shows its secret once, with a copy button', async () => {
    await nav(page, 'Integrations');
    await page.getByRole('button', { name: 'New integration' }).click();
    const form = page.getByRole('form', { name: 'new integration' });
    // Bad input: the API's message next to the field, nothing created.
    await form.getByLabel('Name', { exact: true }).fill('orders to the receiver');
    await form.getByLabel('Endpoint URL').fill('ftp://example.com/hooks');
    await form.getByLabel('Event types').fill('order.*');
    await form.getByRole('button', { name: 'Create' }).click();
    await form.locator('[data-field="url"]').waitFor();
    expect(await page.getByRole('table', { name: 'integrations' }).getByText('orders to the receiver').count()).toBe(0);
    await shot('integration-create-error');

    await form.getByLabel('Endpoint URL').fill(`${receiver.url}/ok`);
    await form.getByRole('button', { name: 'Create' }).click();
    const secret = await page.getByTestId('secret').textContent();
    expect(secret).toMatch(/^whsec_/);
    await page.getByTestId('secret-once').getByRole('button', { name: 'Copy' }).click();
    await page.getByRole('button', { name: 'Copied' }).waitFor();
    expect(await page.evaluate<string>('navigator.clipboard.readText()')).toBe(secret);
    await shot('integration-secret-once');
    await page.getByRole('button', { name: 'I have stored it' }).click();
    await page.getByRole('heading', { name: 'orders to the receiver' }).waitFor();
    // Never again: not on its page, not in the list.
    expect(await page.getByText(secret!).count()).toBe(0);
    await shot('integration');
  });

  it('shows a webhook live as it is delivered, then its attempt timeline on the event page', async () => {
    await nav(page, 'Live');
    await page.getByTestId('stream-state').filter({ hasText: /^open$/ }).waitFor();
    const eventId = await sendWebhook('evt_console_1', 'order.created');
    const delivered = page.getByTestId('live-update').filter({ hasText: 'delivered' }).filter({ has: page.getByRole('link', { name: eventId.slice(0, 8) }) });
    await delivered.waitFor().catch(async (error: unknown) => {
      await shot('live-failed');
      throw new Error(`${String(error)}\n${await page.locator('main').textContent()}`);
    });
    expect(await delivered.textContent()).toContain('HTTP 200');
    await shot('live');

    await delivered.getByRole('link', { name: eventId.slice(0, 8) }).click();
    await page.getByRole('heading', { name: `Event ${eventId.slice(0, 8)}` }).waitFor();
    const attempt = page.getByTestId('attempt').first();
    await attempt.filter({ hasText: 'HTTP 200' }).waitFor();
    const requestHeaders = attempt.getByRole('table', { name: 'request headers' });
    expect(await requestHeaders.textContent()).toContain('webhook-signature');
    expect(await attempt.getByRole('table', { name: 'response headers' }).textContent()).toContain('x-receiver');
    expect(await attempt.locator('pre').textContent()).toContain('"ok":true');
    // The raw snapshot as stored: the acme signature is kept (it proves what was verified).
    expect(await page.getByRole('table', { name: 'snapshot headers' }).textContent()).toContain('x-acme-signature');
    await shot('event');
  });

  it('lists events with filters and pages', async () => {
    await nav(page, 'Events');
    const list = page.getByRole('table', { name: 'events' });
    await list.getByText('order.created').first().waitFor();
    await page.getByRole('form', { name: 'event filters' }).locator('select[name="status"]').selectOption('failed');
    await page.getByRole('button', { name: 'Apply' }).click();
    await list.getByText('No events match.').waitFor();
    await page.getByRole('button', { name: 'Clear' }).click();
    await list.getByText('order.created').first().waitFor();
    await page.getByText(/Page 1 of 1/).waitFor();
    await shot('events');
  });

  it('replays the dead letter of a failing integration, and it is delivered once the receiver is fixed', async () => {
    await nav(page, 'Integrations');
    await page.getByRole('button', { name: 'New integration' }).click();
    const form = page.getByRole('form', { name: 'new integration' });
    await form.getByLabel('Name', { exact: true }).fill('refunds to a broken receiver');
    await form.getByLabel('Endpoint URL').fill(`${receiver.url}/fail`);
    await form.getByLabel('Event types').fill('refund.*');
    await form.getByRole('button', { name: 'Create' }).click();
    await page.getByRole('button', { name: 'I have stored it' }).click();
    await page.getByRole('heading', { name: 'refunds to a broken receiver' }).waitFor();

    const eventId = await sendWebhook('evt_console_2', 'refund.issued');
    await nav(page, 'Dead letters');
    const row = page.getByTestId('dead-letter').filter({ has: page.getByRole('link', { name: eventId.slice(0, 8) }) });
    // Three attempts (50 ms, 100 ms apart), then dead; the list is read again until it shows.
    await expect(pollUntil(async () => {
      await page.getByRole('button', { name: 'Apply' }).click();
      return (await row.count()) === 1;
    })).resolves.toBe(true);
    expect(await row.textContent()).toContain('endpoint answered 500');
    // The bulk replay states how many it would replay before it does anything.
    await page.getByRole('button', { name: 'Replay all matching' }).click();
    expect(await page.getByTestId('bulk-question').textContent()).toBe('Replay 1 dead letter matching this filter?');
    await shot('dead-letters');
    await page.getByRole('button', { name: 'Cancel' }).click();

    failing = false;
    await page.getByLabel('Reason (recorded with each replay)').fill('receiver fixed');
    await row.getByRole('button', { name: 'Replay' }).click();
    await row.getByText('replayed').waitFor();
    await row.getByRole('link', { name: eventId.slice(0, 8) }).click();
    await page.getByRole('heading', { name: `Event ${eventId.slice(0, 8)}` }).waitFor();
    const replayedJob = page.getByTestId('job').filter({ hasText: 'replay' });
    await expect(pollUntil(async () => {
      await page.getByRole('button', { name: 'Refresh' }).click();
      return (await replayedJob.filter({ hasText: 'succeeded' }).count()) === 1;
    })).resolves.toBe(true);
    await shot('event-replayed');
  });

  it('with a read-only JWT, shows the pages but none of the buttons that would answer 403', async () => {
    const token = jwt.sign({ sub: 'auditor', scope: 'webhooks:read' }, config.managementJwtSecret, { algorithm: 'HS256', expiresIn: '5m' });
    const reader = await context.browser()!.newContext({ viewport: { width: 1280, height: 800 } });
    reader.setDefaultTimeout(UI_TIMEOUT_MS);
    const readerPage = await reader.newPage();
    try {
      await signIn(readerPage, token);
      await readerPage.getByTestId('identity').filter({ hasText: 'read-only' }).waitFor();
      await nav(readerPage, 'Integrations');
      await readerPage.getByRole('link', { name: 'orders to the receiver' }).click();
      await readerPage.getByRole('heading', { name: 'orders to the receiver' }).waitFor();
      await readerPage.getByTestId('total-attempts').waitFor();
      for (const name of ['Edit', 'Pause', 'Send test', 'Check ownership', 'Rotate secret', 'Purge history', 'Delete']) {
        expect(await readerPage.getByRole('button', { name, exact: true }).count()).toBe(0);
      }
      await nav(readerPage, 'Integrations');
      await readerPage.getByRole('table', { name: 'integrations' }).waitFor();
      expect(await readerPage.getByRole('button', { name: 'New integration' }).count()).toBe(0);
      await nav(readerPage, 'Dead letters');
      await readerPage.getByRole('table', { name: 'dead letters' }).waitFor();
      expect(await readerPage.getByRole('button', { name: /Replay/ }).count()).toBe(0);
      await nav(readerPage, 'Events');
      await readerPage.getByRole('table', { name: 'events' }).getByRole('link').first().click();
      await readerPage.getByRole('heading', { name: /^Event / }).waitFor();
      expect(await readerPage.getByRole('button', { name: 'Replay event' }).count()).toBe(0);
      await shot('read-only-event', readerPage);
    } finally {
      await reader.close();
    }
  });

  it('shows the audit entries and the chain verdict, and fits a phone-width screen', async () => {
    await nav(page, 'Audit');
    await page.getByTestId('chain').filter({ hasText: 'Chain valid' }).waitFor();
    await page.getByRole('table', { name: 'audit entries' }).getByRole('cell', { name: /^integration / }).first().waitFor();
    await page.getByLabel('Action').fill('created');
    await page.getByRole('button', { name: 'Apply' }).click();
    const entries = page.getByRole('table', { name: 'audit entries' });
    await entries.getByRole('cell', { name: 'created', exact: true }).first().waitFor();
    // Only the created entries are listed once the filter applies.
    await expect(pollUntil(async () => (await entries.locator('tbody tr').count()) === (await entries.getByRole('cell', { name: 'created', exact: true }).count()))).resolves.toBe(true);
    expect(await entries.getByRole('cell', { name: 'delivered', exact: true }).count()).toBe(0);
    await shot('audit');

    await page.setViewportSize({ width: 390, height: 844 });
    for (const section of ['overview', 'events', 'integrations', 'dead-letters', 'live', 'audit']) {
      await page.goto(`${consoleUrl}#/${section}`);
      await page.locator('main.page h1').waitFor();
      // Tables scroll inside their own box; the page itself never scrolls sideways.
      expect(await page.evaluate<boolean>('document.documentElement.scrollWidth <= window.innerWidth')).toBe(true);
    }
    await shot('phone-audit');
  });
});

/** Follows a link of the console's top navigation. */
async function nav(target: Page, name: string): Promise<void> {
  await target.locator('header nav').getByRole('link', { name, exact: true }).click();
}

/** Runs `check` until it returns true, waiting on the browser between tries (no fixed sleeps in the test). */
async function pollUntil(check: () => Promise<boolean>, timeoutMs = UI_TIMEOUT_MS): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (await check()) return true;
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  return check();
}

/**
 * The web page (clients/web) in headless Chromium against the whole local cloud: two people chat in one room —
 * live messages, typing, edits, deletes, reactions, replies and threads, history paging and unread counts — and a
 * third signs up. Chromium trusts only the local AppSync's certificate (by its SPKI hash), which the real-time
 * socket (wss://) needs. Screenshots of every step land in test-artifacts/web/.
 */
import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import type { Browser, Locator, Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { createChat, type Chat } from '../../clients/sdk/index.js';
import { startWebPage, type WebPage } from '../../clients/web/serve.js';
import type { LocalCloud } from '../../local/cloud.js';
import { launchChromiumTrusting } from '../support/chromium.js';
import { addUser, ROOT_DIR, startFullChatCloud } from '../support/cloud.js';

vi.hoisted(() => {
  process.env.POWERTOOLS_LOG_LEVEL ??= 'CRITICAL';
  process.env.POWERTOOLS_METRICS_DISABLED ??= 'true';
});

const ARTIFACTS = path.join(ROOT_DIR, 'test-artifacts/web');
/** Survives runs: the page is rebuilt only when clients/web or clients/sdk change. */
const BUILD_CACHE = path.join(ROOT_DIR, 'node_modules/.cache/wavechat-web');
const ROOM = 'web-room';
/** The page's first page holds 25; the oldest only appear after scrolling up. (The API allows 30 sends per 10 s.) */
const FIRST_PAGE = 25;
const OLD_MESSAGES = 27;

type User = Awaited<ReturnType<typeof addUser>>;

const short = (userId: string) => userId.slice(0, 8);
const messagesOf = (page: Page) => page.getByRole('list', { name: 'Messages', exact: true });
/** The message whose body (or tombstone) is exactly `text`. */
const messageWith = (page: Page, text: string) =>
  messagesOf(page).getByRole('listitem').filter({ has: page.getByText(text, { exact: true }) });
const typingOf = (page: Page) => page.getByRole('status', { name: 'Typing' });

/** Waits until the locator's text matches (Chromium renders asynchronously; nothing to await but the DOM). */
async function textOf(locator: Locator, pattern: RegExp): Promise<void> {
  await expect.poll(async () => (await locator.textContent()) ?? '', { timeout: 10_000 }).toMatch(pattern);
}

describe('the web page in Chromium', () => {
  let cloud: LocalCloud;
  let web: WebPage;
  let browser: Browser;
  let alice: User;
  let bob: User;
  let carolChat: Chat;
  let alicePage: Page;
  let bobPage: Page;
  let step = 0;

  const shot = async (page: Page, name: string) => {
    step += 1;
    await page.screenshot({ path: path.join(ARTIFACTS, `${String(step).padStart(2, '0')}-${name}.png`) });
  };

  const openPage = async (): Promise<Page> => {
    const context = await browser.newContext({ viewport: { width: 1200, height: 800 } });
    const page = await context.newPage();
    await page.goto(web.url);
    return page;
  };

  const signIn = async (page: Page, user: User) => {
    await page.getByLabel('Email').fill(user.email);
    await page.getByLabel('Password').fill(user.password);
    await page.getByRole('button', { name: 'Sign in', exact: true }).click();
    await page.getByText(`Signed in as ${user.email}`).waitFor();
  };

  const openRoom = async (page: Page, name: string | RegExp) => {
    await page.getByRole('navigation', { name: 'Your rooms' }).getByRole('button', { name }).click();
    await textOf(page.getByRole('status', { name: 'Live updates' }), /^Live$/);
  };

  const send = async (page: Page, text: string) => {
    await page.getByRole('textbox', { name: 'Message', exact: true }).fill(text);
    await page.getByRole('textbox', { name: 'Message', exact: true }).press('Enter');
    await messageWith(page, text).waitFor();
  };

  beforeAll(async () => {
    await mkdir(ARTIFACTS, { recursive: true });
    cloud = await startFullChatCloud();
    [web, alice, bob] = await Promise.all([
      startWebPage({ port: 0, outputs: cloud.outputs, cacheDir: BUILD_CACHE }),
      addUser(cloud, 'web-alice'),
      addUser(cloud, 'web-bob'),
    ]);
    const serverCertificate = path.join(path.dirname(cloud.appsync.caFile), 'server.pem');
    browser = await launchChromiumTrusting(serverCertificate);
  }, 180_000);

  // A failed step leaves both people's screens behind.
  afterEach(async (context) => {
    if (context.task.result?.state !== 'fail') return;
    for (const [who, page] of [['alice', alicePage], ['bob', bobPage]] as const) {
      await page?.screenshot({ path: path.join(ARTIFACTS, `failed-${context.task.name.slice(0, 30)}-${who}.png`) });
    }
  });

  afterAll(async () => {
    await browser?.close();
    await web?.close();
    await carolChat?.auth.signOut();
    await cloud?.stop();
  });

  it('serves /amplify_outputs.json beside the page, and the page over HTTPS with the local certificate', async () => {
    const outputs = (await (await fetch(new URL('/amplify_outputs.json', web.url))).json()) as LocalCloud['outputs'];
    expect(outputs.data.url).toBe(cloud.appsync.graphqlUrl);
    expect(web.httpsUrl).toMatch(/^https:\/\/127\.0\.0\.1:\d+\/$/);
    expect((await fetch(new URL('/no-such-file.js', web.url))).status).toBe(404);
  });

  it('signs two users in; one creates a room that the other finds among the public rooms', async () => {
    alicePage = await openPage();
    await shot(alicePage, 'sign-in-form');
    await signIn(alicePage, alice);
    await alicePage.getByLabel('Room name').fill(ROOM);
    await alicePage.getByRole('button', { name: 'Create room' }).click();
    await alicePage.getByRole('heading', { name: ROOM }).waitFor();
    await textOf(alicePage.getByRole('status', { name: 'Live updates' }), /^Live$/);

    // History older than a page, written through the SDK by a third member.
    carolChat = await createChat(cloud.outputs);
    const carol = await addUser(cloud, 'web-carol');
    await carolChat.auth.signIn(carol.email, carol.password);
    const roomId = (await carolChat.rooms.listPublic()).items.find((room) => room.name === ROOM)?.id ?? '';
    await carolChat.members.join(roomId);
    await carolChat.messages.send({ roomId, body: 'old message 1' });
    const rest = Array.from({ length: OLD_MESSAGES - 1 }, (_, n) => `old message ${n + 2}`);
    await Promise.all(rest.map((body) => carolChat.messages.send({ roomId, body })));

    bobPage = await openPage();
    await signIn(bobPage, bob);
    await bobPage.getByRole('button', { name: `Join ${ROOM}` }).click();
    await openRoom(bobPage, ROOM);
    await shot(bobPage, 'bob-joined');
  }, 120_000);

  it('loads older messages when the history is scrolled up', async () => {
    // The first page holds the newest messages: the very first is not among them.
    await expect.poll(() => messagesOf(bobPage).getByText(/^old message \d+$/).count()).toBe(FIRST_PAGE);
    expect(await messageWith(bobPage, 'old message 1').count()).toBe(0);
    // Scrolls as a user does: the wheel over the message list.
    await messagesOf(bobPage).hover();
    await bobPage.mouse.wheel(0, -100_000);
    await messageWith(bobPage, 'old message 1').waitFor();
    await bobPage.getByText('Start of the room.').waitFor();
    await shot(bobPage, 'older-messages-loaded');
  });

  it('delivers messages live both ways', async () => {
    await send(alicePage, 'hello from alice');
    await messageWith(bobPage, 'hello from alice').waitFor();
    await send(bobPage, 'hi alice');
    await messageWith(alicePage, 'hi alice').waitFor();
    await shot(alicePage, 'messages-exchanged');
  });

  it('shows who is typing, and clears it when they send', async () => {
    await bobPage.getByRole('textbox', { name: 'Message', exact: true }).fill('bob is writing something');
    await textOf(typingOf(alicePage), new RegExp(`^${short(bob.sub)} is typing…$`));
    await shot(alicePage, 'bob-typing');
    await bobPage.getByRole('textbox', { name: 'Message', exact: true }).press('Enter');
    await messageWith(alicePage, 'bob is writing something').waitFor();
    await textOf(typingOf(alicePage), /^$/);
  });

  it('edits a message for everyone', async () => {
    await messageWith(alicePage, 'hello from alice').getByRole('button', { name: 'Edit' }).click();
    await alicePage.getByRole('textbox', { name: 'Edited message' }).fill('hello, edited');
    await alicePage.getByRole('button', { name: 'Save' }).click();
    const edited = messageWith(bobPage, 'hello, edited');
    await textOf(edited, /\(edited\)/);
    await shot(bobPage, 'edited');
  });

  it('adds and removes reactions, with counts', async () => {
    await messageWith(bobPage, 'hello, edited').getByRole('button', { name: 'React with 👍' }).click();
    const chip = messageWith(alicePage, 'hello, edited').getByRole('group', { name: 'Reactions' }).getByRole('button', { name: '👍 1' });
    await chip.waitFor();
    await messageWith(alicePage, 'hello, edited').getByRole('button', { name: 'React with 👍' }).click();
    await messageWith(bobPage, 'hello, edited').getByRole('button', { name: '👍 2' }).waitFor();
    await shot(bobPage, 'reactions');
    // Bob's chip toggles his own reaction off.
    await messageWith(bobPage, 'hello, edited').getByRole('button', { name: '👍 2' }).click();
    await chip.waitFor();
  });

  it('replies to a message and follows the thread', async () => {
    await messageWith(bobPage, 'hello, edited').getByRole('button', { name: 'Reply' }).click();
    await send(bobPage, 'a reply to alice');
    await textOf(messageWith(alicePage, 'a reply to alice'), /in reply to .*hello, edited/);
    await messageWith(alicePage, 'hello, edited').getByRole('button', { name: '1 reply' }).click();
    const thread = alicePage.getByRole('complementary', { name: 'Thread' });
    await thread.getByRole('listitem').filter({ hasText: 'a reply to alice' }).waitFor();
    await thread.getByRole('textbox', { name: 'Reply in thread' }).fill('answer in the thread');
    await thread.getByRole('textbox', { name: 'Reply in thread' }).press('Enter');
    await messageWith(bobPage, 'answer in the thread').waitFor();
    await messageWith(bobPage, 'hello, edited').getByRole('button', { name: '2 replies' }).waitFor();
    await shot(alicePage, 'thread');
  });

  it('deletes a message, leaving a tombstone', async () => {
    await send(alicePage, 'soon gone');
    await messageWith(bobPage, 'soon gone').waitFor();
    const before = await messagesOf(bobPage).getByRole('listitem').count();
    await messageWith(alicePage, 'soon gone').getByRole('button', { name: 'Delete' }).click();
    await messageWith(bobPage, 'This message was deleted.').waitFor();
    expect(await messageWith(bobPage, 'soon gone').count()).toBe(0);
    expect(await messagesOf(bobPage).getByRole('listitem').count()).toBe(before);
    await shot(bobPage, 'deleted');
  });

  it('counts unread messages in rooms that are not open', async () => {
    await alicePage.getByLabel('Room name').fill('web-elsewhere');
    await alicePage.getByRole('button', { name: 'Create room' }).click();
    await alicePage.getByRole('heading', { name: 'web-elsewhere' }).waitFor();
    await send(bobPage, 'unread one');
    await send(bobPage, 'unread two');
    // The list refreshes on focus (and every 15 s).
    await alicePage.evaluate("window.dispatchEvent(new Event('focus'))");
    const roomLink = alicePage.getByRole('navigation', { name: 'Your rooms' }).getByRole('button', { name: `${ROOM}, 2 unread` });
    await roomLink.waitFor();
    await shot(alicePage, 'unread');
    await roomLink.click();
    await alicePage.getByRole('navigation', { name: 'Your rooms' }).getByRole('button', { name: ROOM, exact: true }).waitFor();
  });

  it('signs a new user up, confirms them the local way, and opens a direct room', async () => {
    const page = await openPage();
    await page.getByRole('button', { name: 'Create an account' }).click();
    await page.getByLabel('Email').fill('web-newcomer@example.com');
    await page.getByLabel('Password').fill('Newcomer-Passw0rd');
    await page.getByRole('button', { name: 'Sign up' }).click();
    await page.getByLabel('Confirmation code').waitFor();
    await shot(page, 'confirm-sign-up');
    await page.getByRole('button', { name: 'Confirm without a code (local cloud)' }).click();
    await page.getByText('Signed in as web-newcomer@example.com').waitFor();

    await page.getByLabel('Their user id').fill(alice.sub);
    await page.getByRole('button', { name: 'Open direct room' }).click();
    await page.getByRole('heading', { name: `@${short(alice.sub)}` }).waitFor();
    await textOf(page.getByRole('status', { name: 'Live updates' }), /^Live$/);
    await send(page, 'hello in private');
    const newcomerId = (await page.getByLabel('Your user id').textContent()) ?? '';
    // Alice's list learns of the direct room from onMyRooms.
    await openRoom(alicePage, `@${short(newcomerId)}`);
    await messageWith(alicePage, 'hello in private').waitFor();
    await shot(alicePage, 'direct-room');
  });
});

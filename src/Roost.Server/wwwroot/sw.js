// Roost's service worker: shows a notification for a Web Push while no tab of the app is open (or focused), and
// opens the conversation when it is clicked. A push carries ids and counts; a preview only if the account opted in.
self.addEventListener('push', (event) => {
  let data = {};
  try { data = event.data ? event.data.json() : {}; } catch { /* not ours: show the plain notification */ }
  const count = Number(data.messages) || 1;
  const title = data.preview?.sender ?? 'Roost';
  const body = data.preview?.body ?? (count > 1 ? `${count} new messages` : 'New message');
  event.waitUntil((async () => {
    const windows = await self.clients.matchAll({ type: 'window', includeUncontrolled: true });
    // A focused tab already shows the message over its live connection.
    if (windows.some((client) => client.focused)) return;
    await self.registration.showNotification(title, {
      body,
      tag: `conv-${data.conversationId ?? 'any'}`,
      renotify: true,
      data: { conversationId: data.conversationId ?? null },
    });
  })());
});

self.addEventListener('notificationclick', (event) => {
  event.notification.close();
  const conversationId = event.notification.data?.conversationId;
  event.waitUntil((async () => {
    const windows = await self.clients.matchAll({ type: 'window', includeUncontrolled: true });
    for (const client of windows) {
      client.postMessage({ type: 'open-conversation', conversationId });
      if ('focus' in client) return client.focus();
    }
    return self.clients.openWindow(conversationId ? `/#conversation=${conversationId}` : '/');
  })());
});

using System.Text.Json;
using Microsoft.Extensions.Logging;
using Roost.Core.Delivery;
using Roost.Core.Storage;
using Roost.Protocol;
using Roost.Protocol.Realtime;
using Roost.Protocol.Rest;

namespace Roost.Core.Presence;

/// <summary>
/// Online and offline, with last seen, for users who share a conversation. Changes are pushed as ephemeral frames;
/// a user who hides presence is shown as <c>hidden</c> and pushes nothing.
/// </summary>
public sealed partial class PresenceService
{
    public const string Online = "online";
    public const string Offline = "offline";
    public const string Hidden = "hidden";

    private readonly IRoostStore _store;
    private readonly EventRouter _router;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly Lock _sendGate = new();
    private readonly System.Collections.Concurrent.ConcurrentDictionary<long, long> _versions = new();

    public PresenceService(IRoostStore store, EventRouter router, TimeProvider time, ILogger<PresenceService> logger)
    {
        ArgumentNullException.ThrowIfNull(router);
        _store = store;
        _router = router;
        _time = time;
        _logger = logger;
        router.OnlineChanged += (accountId, online) => PublishInBackground(accountId);
    }

    /// <summary>The presence of everyone who shares a conversation with <paramref name="accountId"/>.</summary>
    public async Task<IReadOnlyList<PresenceResponse>> GetContactsPresenceAsync(long accountId, CancellationToken cancellationToken)
    {
        var contacts = await _store.Conversations.GetContactsAsync(accountId, cancellationToken);
        var records = await _store.Presence.GetAsync(contacts, cancellationToken);
        return records.Select(Describe).ToList();
    }

    public async Task SetHiddenAsync(long accountId, bool hidden, CancellationToken cancellationToken)
    {
        await _store.Presence.SetHiddenAsync(accountId, hidden, cancellationToken);
        await PublishAsync(accountId, force: true);
    }

    private void PublishInBackground(long accountId) => _ = PublishAsync(accountId);

    /// <summary>Each change gets a version; a publish sends only if no newer change has started, so contacts end on the latest state.</summary>
    private long NextVersion(long accountId) => _versions.AddOrUpdate(accountId, 1, (_, version) => version + 1);

    private PresenceResponse Describe(PresenceRecord record) =>
        record.Hidden
            ? new PresenceResponse(record.AccountId, Hidden, null)
            : _router.IsOnline(record.AccountId)
                ? new PresenceResponse(record.AccountId, Online, null)
                : new PresenceResponse(record.AccountId, Offline, record.LastSeenAt);

    /// <summary>
    /// Sends the account's presence as it is when sending (not the transition that triggered this), and only if no newer
    /// change started meanwhile; so two quick changes cannot leave contacts with a stale state.
    /// </summary>
    private async Task PublishAsync(long accountId, bool force = false)
    {
        var version = NextVersion(accountId);
        try
        {
            await _store.Presence.SetLastSeenAsync(accountId, _time.GetUtcNow(), CancellationToken.None);
            var records = await _store.Presence.GetAsync([accountId], CancellationToken.None);
            if (records.Count == 0 || (records[0].Hidden && !force))
            {
                return;
            }

            var contacts = await _store.Conversations.GetContactsAsync(accountId, CancellationToken.None);
            if (contacts.Count == 0)
            {
                return;
            }

            lock (_sendGate)
            {
                if (_versions.TryGetValue(accountId, out var latest) && latest != version)
                {
                    return; // A newer change is publishing the state that is current now.
                }

                var presence = Describe(records[0]);
                var frame = JsonSerializer.SerializeToUtf8Bytes(
                    new PresenceFrame(ServerFrameTypes.Presence, presence.AccountId, presence.Status, presence.LastSeenAt),
                    RoostJsonContext.Default.PresenceFrame);
                _router.SendEphemeral(contacts, frame);
            }
        }
#pragma warning disable CA1031 // Presence is best effort: a failure is logged and the next change corrects it.
        catch (Exception exception)
#pragma warning restore CA1031
        {
            Log.PublishFailed(_logger, exception, accountId);
        }
        finally
        {
            // Forget the version of an account nobody is changing any more, so the table stays as small as the online set.
            if (!_router.IsOnline(accountId))
            {
                _versions.TryRemove(new KeyValuePair<long, long>(accountId, version));
            }
        }
    }

    private static partial class Log
    {
        [LoggerMessage(EventId = 3000, Level = LogLevel.Warning, Message = "Publishing presence of account {AccountId} failed")]
        public static partial void PublishFailed(ILogger logger, Exception exception, long accountId);
    }
}

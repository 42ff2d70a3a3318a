using Roost.Core.Accounts;
using Roost.Core.Errors;
using Roost.Core.Moderation;

namespace Roost.Storage.Postgres;

// TEMPORARY: being ported from SqliteXStore.
internal sealed class PostgresReportStore(PostgresStore store) : IReportStore
{
    private readonly PostgresStore _store = store;

    public Task<Outcome<ReportReceipt>> CreateAsync(NewReport report, ReportLimits limits, CancellationToken cancellationToken) => throw new NotImplementedException(nameof(_store));

    public Task<ReportPage> ListAsync(string? status, long afterId, int limit, CancellationToken cancellationToken) => throw new NotImplementedException(nameof(_store));

    public Task<Report?> FindAsync(long reportId, CancellationToken cancellationToken) => throw new NotImplementedException(nameof(_store));

    public Task<Outcome<ResolvedReport>> ResolveAsync(long reportId, ReportDecision decision, CancellationToken cancellationToken) => throw new NotImplementedException(nameof(_store));

}

using Roost.Storage.Tests.Contract;
using Roost.Storage.Tests.Engines;

namespace Roost.Storage.Tests.Postgres;

public sealed class PostgresMediaStoreContract : MediaStoreContract<PostgresEngine>;

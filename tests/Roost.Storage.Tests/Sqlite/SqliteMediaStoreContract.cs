using Roost.Storage.Tests.Contract;
using Roost.Storage.Tests.Engines;

namespace Roost.Storage.Tests.Sqlite;

public sealed class SqliteMediaStoreContract : MediaStoreContract<SqliteEngine>;

using Roost.Storage.Tests.Contract;
using Roost.Storage.Tests.Engines;

namespace Roost.Storage.Tests.Sqlite;

/// <summary>The push queue contract on the embedded SQLite engine.</summary>
public sealed class SqlitePushStoreContract : PushStoreContract<SqliteEngine>;

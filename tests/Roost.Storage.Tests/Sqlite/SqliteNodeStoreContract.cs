using Roost.Storage.Tests.Contract;
using Roost.Storage.Tests.Engines;

namespace Roost.Storage.Tests.Sqlite;

/// <summary>The node registry contract on the embedded SQLite engine.</summary>
public sealed class SqliteNodeStoreContract : NodeStoreContract<SqliteEngine>;

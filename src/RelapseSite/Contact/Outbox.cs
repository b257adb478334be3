using System.Security.Cryptography;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Options;

namespace RelapseSite.Contact;

/// <summary>One queued inquiry as the dispatcher sees it: the payload is still encrypted.</summary>
public sealed record OutboxEntry(string Id, byte[]? Payload, int Attempts, DateTimeOffset CreatedAt, DateTimeOffset QueuedAt);

/// <summary>Counts by state, for the health check and <c>outbox status</c>. Nothing personal.</summary>
public sealed record OutboxStatus(int Pending, int Sending, int Delivered, int Dead, int Purged, DateTimeOffset? OldestWaitingSince)
{
    public int Backlog => Pending + Sending;
}

/// <summary>A dead inquiry, for <c>outbox status</c>: its id, when it came in, and the kind of error that stopped it.</summary>
public sealed record DeadEntry(string Id, DateTimeOffset CreatedAt, int Attempts, string? LastError);

/// <summary>
/// The durable outbox: a SQLite file in WAL mode with <c>synchronous=FULL</c>, so an inquiry is on disk when
/// <see cref="AddAsync"/> returns and a kill -9 after the visitor's 303 loses nothing. Personal data is stored only
/// as one encrypted blob per inquiry, and is overwritten (<c>secure_delete</c>) and checkpointed away once delivered.
/// States: pending → sending → delivered, or → dead after <c>Outbox:DeadAfterHours</c> of failures (data kept until
/// re-queued, or purged after <c>Outbox:RetentionDays</c>). One dispatcher per outbox file.
/// </summary>
public sealed class Outbox : IDisposable
{
    /// <summary>
    /// Still 1 with <c>repeat_key</c>, added later: a file without the column gains it when first opened, and the
    /// column is one an older build of the site simply leaves empty, so rolling back needs nothing done to the file.
    /// </summary>
    private const int SchemaVersion = 1;

    /// <summary>How long a form sent twice is recognised as one inquiry: a double tap, or "send" pressed again after a slow answer.</summary>
    public static readonly TimeSpan RepeatWindow = TimeSpan.FromHours(1);

    private const string Schema = """
        CREATE TABLE IF NOT EXISTS inquiry (
            id              TEXT PRIMARY KEY,
            state           TEXT NOT NULL CHECK (state IN ('pending', 'sending', 'delivered', 'dead', 'purged')),
            payload         BLOB,
            attempts        INTEGER NOT NULL DEFAULT 0,
            created_at      INTEGER NOT NULL,
            queued_at       INTEGER NOT NULL,
            next_attempt_at INTEGER NOT NULL,
            last_attempt_at INTEGER,
            delivered_at    INTEGER,
            dead_at         INTEGER,
            last_error      TEXT,
            repeat_key      TEXT
        ) STRICT;
        CREATE INDEX IF NOT EXISTS inquiry_state_due ON inquiry (state, next_attempt_at);
        CREATE UNIQUE INDEX IF NOT EXISTS inquiry_repeat ON inquiry (repeat_key) WHERE repeat_key IS NOT NULL;
        CREATE TABLE IF NOT EXISTS probe (id INTEGER PRIMARY KEY CHECK (id = 1), checked_at INTEGER NOT NULL) STRICT;
        """;

    private const string ForgetRepeatKeys = "UPDATE inquiry SET repeat_key = NULL WHERE repeat_key IS NOT NULL AND created_at <= $cutoff";

    private readonly string _connectionString;
    private readonly InquiryProtector _protector;
    private readonly TimeProvider _time;
    private readonly SemaphoreSlim _initializing = new(1, 1);
    private volatile bool _initialized;

    public Outbox(IOptions<OutboxOptions> options, InquiryProtector protector, TimeProvider time)
    {
        FilePath = options.Value.Path;
        _protector = protector;
        _time = time;
        _connectionString = new SqliteConnectionStringBuilder
        {
            DataSource = FilePath,
            Mode = SqliteOpenMode.ReadWriteCreate,
            Pooling = true,
            DefaultTimeout = 30,
        }.ToString();
    }

    public string FilePath { get; }

    /// <summary>
    /// What the outbox throws when its file cannot be used (locked, full, unreadable, a lost key): a caller answers
    /// the visitor and logs it, rather than letting it become a 500.
    /// </summary>
    public static bool IsStorageFault(Exception ex) =>
        ex is SqliteException or IOException or UnauthorizedAccessException or CryptographicException or InvalidOperationException;

    /// <summary>
    /// Encrypts and commits a new inquiry, durably, and returns its id (the visitor's reference). With a
    /// <paramref name="repeatKey"/> (<see cref="InquiryForm.RepeatKey"/>) that an inquiry of the last hour already has,
    /// nothing is added and that inquiry's id comes back, with <c>Repeat</c> set.
    /// </summary>
    public async Task<(string Id, bool Repeat)> AddAsync(Inquiry inquiry, string? repeatKey = null, CancellationToken cancellationToken = default)
    {
        await using var connection = await OpenAsync(cancellationToken);
        // Immediate (Microsoft.Data.Sqlite's default): the look-up and the insert are one step for every other writer,
        // so two taps arriving together cannot both be added.
        await using var transaction = (SqliteTransaction)await connection.BeginTransactionAsync(cancellationToken);
        var now = Now();
        if (repeatKey is not null)
        {
            // Keys past the window are let go first, so an old one can never match.
            await using var forget = Command(connection, ForgetRepeatKeys, ("$cutoff", RepeatCutoff()));
            forget.Transaction = transaction;
            await forget.ExecuteNonQueryAsync(cancellationToken);

            await using var find = Command(connection, "SELECT id FROM inquiry WHERE repeat_key = $key", ("$key", repeatKey));
            find.Transaction = transaction;
            if (await find.ExecuteScalarAsync(cancellationToken) is string existing)
            {
                await transaction.CommitAsync(cancellationToken);
                return (existing, true);
            }
        }

        for (var attempt = 1; ; attempt++)
        {
            var id = InquiryReference.New();
            await using var insert = Command(connection, """
                INSERT INTO inquiry (id, state, payload, attempts, created_at, queued_at, next_attempt_at, repeat_key)
                VALUES ($id, 'pending', $payload, 0, $now, $now, $now, $key)
                """, ("$id", id), ("$payload", _protector.Protect(id, inquiry)), ("$now", now), ("$key", repeatKey));
            insert.Transaction = transaction;
            try
            {
                await insert.ExecuteNonQueryAsync(cancellationToken);
                await transaction.CommitAsync(cancellationToken);
                return (id, false);
            }
            catch (SqliteException ex) when (ex.SqliteExtendedErrorCode == 1555 && attempt < 5)
            {
                // SQLITE_CONSTRAINT_PRIMARYKEY: a one-in-a-trillion clash of random references; draw another.
            }
        }
    }

    /// <summary>The id of the inquiry of the last hour stored with this repeat key, or null.</summary>
    public async Task<string?> FindRepeatAsync(string repeatKey, CancellationToken cancellationToken = default)
    {
        await using var connection = await OpenAsync(cancellationToken);
        await using var find = Command(connection, "SELECT id FROM inquiry WHERE repeat_key = $key AND created_at > $cutoff",
            ("$key", repeatKey), ("$cutoff", RepeatCutoff()));
        return await find.ExecuteScalarAsync(cancellationToken) as string;
    }

    /// <summary>
    /// True when an inquiry with this reference is held, in any state: the thanks page says "we have your message"
    /// only then. Delivered inquiries keep their row, without their content, for <c>Outbox:RetentionDays</c>.
    /// </summary>
    public async Task<bool> HoldsAsync(string id, CancellationToken cancellationToken = default)
    {
        await using var connection = await OpenAsync(cancellationToken);
        await using var find = Command(connection, "SELECT 1 FROM inquiry WHERE id = $id", ("$id", id));
        return await find.ExecuteScalarAsync(cancellationToken) is not null;
    }

    /// <summary>
    /// On start: whatever was waiting, or was being sent when the last process died, is due now. A re-send after a
    /// crash may duplicate a message the server had already taken; its stable Message-Id makes that recognisable.
    /// With <paramref name="onlyInterrupted"/>, only inquiries left in 'sending' go back (retries keep their schedule).
    /// </summary>
    public async Task<int> ResumeAsync(bool onlyInterrupted = false, CancellationToken cancellationToken = default)
    {
        await using var connection = await OpenAsync(cancellationToken);
        await using var command = Command(connection,
            onlyInterrupted
                ? "UPDATE inquiry SET state = 'pending', next_attempt_at = $now WHERE state = 'sending'"
                : "UPDATE inquiry SET state = 'pending', next_attempt_at = $now WHERE state IN ('pending', 'sending')",
            ("$now", Now()));
        return await command.ExecuteNonQueryAsync(cancellationToken);
    }

    /// <summary>Marks up to <paramref name="limit"/> due inquiries as sending, counts the attempt, and returns them.</summary>
    public async Task<IReadOnlyList<OutboxEntry>> ClaimDueAsync(int limit, CancellationToken cancellationToken = default)
    {
        await using var connection = await OpenAsync(cancellationToken);
        await using var transaction = (SqliteTransaction)await connection.BeginTransactionAsync(cancellationToken);
        var now = Now();
        await using var claim = Command(connection, """
            UPDATE inquiry SET state = 'sending', attempts = attempts + 1, last_attempt_at = $now
            WHERE id IN (SELECT id FROM inquiry WHERE state = 'pending' AND next_attempt_at <= $now ORDER BY next_attempt_at LIMIT $limit)
            RETURNING id, payload, attempts, created_at, queued_at
            """, ("$now", now), ("$limit", limit));
        claim.Transaction = transaction;

        var entries = new List<OutboxEntry>();
        await using (var reader = await claim.ExecuteReaderAsync(cancellationToken))
        {
            while (await reader.ReadAsync(cancellationToken))
            {
                entries.Add(new OutboxEntry(
                    reader.GetString(0),
                    reader.IsDBNull(1) ? null : (byte[])reader.GetValue(1),
                    reader.GetInt32(2),
                    FromUnix(reader.GetInt64(3)),
                    FromUnix(reader.GetInt64(4))));
            }
        }

        await transaction.CommitAsync(cancellationToken);
        return entries;
    }

    public Inquiry Open(OutboxEntry entry) =>
        _protector.Unprotect(entry.Id, entry.Payload ?? throw new System.Security.Cryptography.CryptographicException("The inquiry has no data left."));

    /// <summary>Delivered: the personal data is deleted; the id, times and state stay.</summary>
    public Task MarkDeliveredAsync(string id, CancellationToken cancellationToken = default) =>
        ExecuteAsync("""
            UPDATE inquiry SET state = 'delivered', payload = NULL, delivered_at = $now, last_error = NULL
            WHERE id = $id
            """, cancellationToken, ("$id", id), ("$now", Now()));

    public Task ScheduleRetryAsync(string id, string error, DateTimeOffset nextAttemptAt, CancellationToken cancellationToken = default) =>
        ExecuteAsync("UPDATE inquiry SET state = 'pending', next_attempt_at = $next, last_error = $error WHERE id = $id",
            cancellationToken, ("$id", id), ("$next", nextAttemptAt.ToUnixTimeMilliseconds()), ("$error", error));

    /// <summary>Dead: no more tries, but the encrypted data stays, so <c>outbox requeue</c> can still deliver it.</summary>
    public Task MarkDeadAsync(string id, string error, CancellationToken cancellationToken = default) =>
        ExecuteAsync("UPDATE inquiry SET state = 'dead', dead_at = $now, last_error = $error WHERE id = $id",
            cancellationToken, ("$id", id), ("$now", Now()), ("$error", error));

    /// <summary>Puts a claimed inquiry back without counting the attempt (the site is stopping mid-send).</summary>
    public Task ReleaseAsync(string id, CancellationToken cancellationToken = default) =>
        ExecuteAsync("UPDATE inquiry SET state = 'pending', attempts = max(attempts - 1, 0), next_attempt_at = $now WHERE id = $id AND state = 'sending'",
            cancellationToken, ("$id", id), ("$now", Now()));

    /// <summary>When the next pending inquiry is due, or null when none is waiting.</summary>
    public async Task<DateTimeOffset?> NextDueAsync(CancellationToken cancellationToken = default)
    {
        await using var connection = await OpenAsync(cancellationToken);
        await using var command = Command(connection, "SELECT min(next_attempt_at) FROM inquiry WHERE state = 'pending'");
        return await command.ExecuteScalarAsync(cancellationToken) is long next ? FromUnix(next) : null;
    }

    /// <summary>
    /// Deletes the data of dead inquiries received more than <paramref name="retention"/> ago, and returns their ids.
    /// Also lets go of repeat keys older than <see cref="RepeatWindow"/>: a key is only needed while a repeat can come in.
    /// </summary>
    public async Task<IReadOnlyList<string>> PurgeExpiredAsync(TimeSpan retention, CancellationToken cancellationToken = default)
    {
        await using var connection = await OpenAsync(cancellationToken);
        await using (var forget = Command(connection, ForgetRepeatKeys, ("$cutoff", RepeatCutoff())))
        {
            await forget.ExecuteNonQueryAsync(cancellationToken);
        }

        await using var command = Command(connection,
            "UPDATE inquiry SET state = 'purged', payload = NULL WHERE state = 'dead' AND created_at <= $cutoff RETURNING id",
            ("$cutoff", (_time.GetUtcNow() - retention).ToUnixTimeMilliseconds()));
        return await ReadIdsAsync(command, cancellationToken);
    }

    /// <summary>Dead inquiries (all, or the given ids) become pending again, due now, with a fresh clock for dying.</summary>
    public async Task<IReadOnlyList<string>> RequeueDeadAsync(IReadOnlyCollection<string> ids, CancellationToken cancellationToken = default)
    {
        await using var connection = await OpenAsync(cancellationToken);
        await using var transaction = (SqliteTransaction)await connection.BeginTransactionAsync(cancellationToken);
        var requeued = new List<string>();
        var now = Now();
        foreach (var id in ids.Count == 0 ? [null] : ids.Cast<string?>())
        {
            await using var command = Command(connection, """
                UPDATE inquiry SET state = 'pending', attempts = 0, queued_at = $now, next_attempt_at = $now, dead_at = NULL
                WHERE state = 'dead' AND payload IS NOT NULL AND ($id IS NULL OR id = $id)
                RETURNING id
                """, ("$now", now), ("$id", id));
            command.Transaction = transaction;
            requeued.AddRange(await ReadIdsAsync(command, cancellationToken));
        }

        await transaction.CommitAsync(cancellationToken);
        return requeued;
    }

    public async Task<OutboxStatus> GetStatusAsync(CancellationToken cancellationToken = default)
    {
        await using var connection = await OpenAsync(cancellationToken);
        await using var command = Command(connection, """
            SELECT
                count(*) FILTER (WHERE state = 'pending'),
                count(*) FILTER (WHERE state = 'sending'),
                count(*) FILTER (WHERE state = 'delivered'),
                count(*) FILTER (WHERE state = 'dead'),
                count(*) FILTER (WHERE state = 'purged'),
                min(created_at) FILTER (WHERE state IN ('pending', 'sending'))
            FROM inquiry
            """);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        await reader.ReadAsync(cancellationToken);
        return new OutboxStatus(
            reader.GetInt32(0), reader.GetInt32(1), reader.GetInt32(2), reader.GetInt32(3), reader.GetInt32(4),
            reader.IsDBNull(5) ? null : FromUnix(reader.GetInt64(5)));
    }

    public async Task<IReadOnlyList<DeadEntry>> ListDeadAsync(CancellationToken cancellationToken = default)
    {
        await using var connection = await OpenAsync(cancellationToken);
        await using var command = Command(connection, "SELECT id, created_at, attempts, last_error FROM inquiry WHERE state = 'dead' ORDER BY created_at");
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        var dead = new List<DeadEntry>();
        while (await reader.ReadAsync(cancellationToken))
        {
            dead.Add(new DeadEntry(reader.GetString(0), FromUnix(reader.GetInt64(1)), reader.GetInt32(2), reader.IsDBNull(3) ? null : reader.GetString(3)));
        }

        return dead;
    }

    /// <summary>A real, committed write: proves the file can take a new inquiry right now (permissions, disk space, locks).</summary>
    public Task ProbeWriteAsync(CancellationToken cancellationToken = default) =>
        ExecuteAsync("INSERT INTO probe (id, checked_at) VALUES (1, $now) ON CONFLICT (id) DO UPDATE SET checked_at = excluded.checked_at",
            cancellationToken, ("$now", Now()));

    /// <summary>
    /// Moves the WAL into the main file and empties it, so the pages that held delivered inquiries' encrypted data are
    /// gone from the WAL too. False when a reader kept it from finishing; the caller tries again later.
    /// </summary>
    public async Task<bool> CheckpointAsync(CancellationToken cancellationToken = default)
    {
        await using var connection = await OpenAsync(cancellationToken);
        await using var command = Command(connection, "PRAGMA wal_checkpoint(TRUNCATE)");
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        return await reader.ReadAsync(cancellationToken) && reader.GetInt32(0) == 0;
    }

    public void Dispose()
    {
        // Pooled connections keep the file open; close them so the WAL is checkpointed and the file released.
        using (var connection = new SqliteConnection(_connectionString))
        {
            SqliteConnection.ClearPool(connection);
        }

        _initializing.Dispose();
    }

    private async Task<SqliteConnection> OpenAsync(CancellationToken cancellationToken)
    {
        if (!_initialized)
        {
            await InitializeAsync(cancellationToken);
        }

        var connection = new SqliteConnection(_connectionString);
        try
        {
            await connection.OpenAsync(cancellationToken);

            // Per connection: FULL makes every commit durable in WAL mode; secure_delete overwrites deleted data with zeros.
            await using var pragmas = Command(connection, "PRAGMA synchronous = FULL; PRAGMA secure_delete = ON;");
            await pragmas.ExecuteNonQueryAsync(cancellationToken);
            return connection;
        }
        catch
        {
            await connection.DisposeAsync();
            throw;
        }
    }

    private async Task InitializeAsync(CancellationToken cancellationToken)
    {
        await _initializing.WaitAsync(cancellationToken);
        try
        {
            if (_initialized)
            {
                return;
            }

            Directory.CreateDirectory(Path.GetDirectoryName(FilePath)!);
            await using var connection = new SqliteConnection(_connectionString);
            await connection.OpenAsync(cancellationToken);

            await using (var wal = Command(connection, "PRAGMA journal_mode = WAL"))
            {
                var mode = (string?)await wal.ExecuteScalarAsync(cancellationToken);
                if (!string.Equals(mode, "wal", StringComparison.OrdinalIgnoreCase))
                {
                    throw new InvalidOperationException($"The outbox at {FilePath} could not switch to WAL mode (it reports \"{mode}\").");
                }
            }

            await using (var version = Command(connection, "PRAGMA user_version"))
            {
                var found = Convert.ToInt32(await version.ExecuteScalarAsync(cancellationToken), System.Globalization.CultureInfo.InvariantCulture);
                if (found > SchemaVersion)
                {
                    throw new InvalidOperationException($"The outbox at {FilePath} was written by a newer version of the site (schema {found}).");
                }
            }

            await using (var transaction = (SqliteTransaction)await connection.BeginTransactionAsync(cancellationToken))
            {
                // A file from before repeat_key has the table without it, and CREATE TABLE IF NOT EXISTS would not add it.
                await using var columns = Command(connection,
                    "SELECT count(*), count(*) FILTER (WHERE name = 'repeat_key') FROM pragma_table_info('inquiry')");
                columns.Transaction = transaction;
                var upgrade = "";
                await using (var reader = await columns.ExecuteReaderAsync(cancellationToken))
                {
                    if (await reader.ReadAsync(cancellationToken) && reader.GetInt64(0) > 0 && reader.GetInt64(1) == 0)
                    {
                        upgrade = "ALTER TABLE inquiry ADD COLUMN repeat_key TEXT;";
                    }
                }

                await using var create = Command(connection, upgrade + Schema + $"PRAGMA user_version = {SchemaVersion};");
                create.Transaction = transaction;
                await create.ExecuteNonQueryAsync(cancellationToken);
                await transaction.CommitAsync(cancellationToken);
            }

            _initialized = true;
        }
        finally
        {
            _initializing.Release();
        }
    }

    private async Task ExecuteAsync(string sql, CancellationToken cancellationToken, params (string Name, object? Value)[] parameters)
    {
        await using var connection = await OpenAsync(cancellationToken);
        await using var command = Command(connection, sql, parameters);
        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    private static SqliteCommand Command(SqliteConnection connection, string sql, params (string Name, object? Value)[] parameters)
    {
        var command = connection.CreateCommand();
        command.CommandText = sql;
        foreach (var (name, value) in parameters)
        {
            command.Parameters.AddWithValue(name, value ?? DBNull.Value);
        }

        return command;
    }

    private static async Task<IReadOnlyList<string>> ReadIdsAsync(SqliteCommand command, CancellationToken cancellationToken)
    {
        var ids = new List<string>();
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            ids.Add(reader.GetString(0));
        }

        return ids;
    }

    private long Now() => _time.GetUtcNow().ToUnixTimeMilliseconds();

    /// <summary>Inquiries created at or before this moment are past <see cref="RepeatWindow"/>.</summary>
    private long RepeatCutoff() => (_time.GetUtcNow() - RepeatWindow).ToUnixTimeMilliseconds();

    private static DateTimeOffset FromUnix(long milliseconds) => DateTimeOffset.FromUnixTimeMilliseconds(milliseconds);
}

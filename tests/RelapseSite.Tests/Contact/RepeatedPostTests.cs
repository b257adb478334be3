using System.Net;
using Microsoft.Data.Sqlite;

namespace RelapseSite.Tests.Contact;

/// <summary>A form sent twice (a double tap on a slow phone) is one inquiry; a form changed and sent again is two.</summary>
public sealed class RepeatedPostTests
{
    [Fact]
    public async Task The_same_form_sent_twice_is_one_inquiry_with_one_reference_and_one_email()
    {
        using var site = ContactSite.Create();
        var visitor = site.Visitor();
        var form = await visitor.FilledFormAsync();

        var first = await visitor.PostAsync(form);
        var second = await visitor.PostAsync(form);
        var reference = ContactVisitor.ReferenceOf(first);
        await OutboxFile.WaitForStateAsync(site.OutboxPath(), reference, "delivered");

        Assert.Equal(HttpStatusCode.SeeOther, first.StatusCode);
        Assert.Equal(HttpStatusCode.SeeOther, second.StatusCode);
        Assert.Equal(first.Headers.Location, second.Headers.Location);
        Assert.Equal([reference], OutboxFile.Rows(site.OutboxPath()).Select(r => r.Id));
        Assert.Equal([reference + ".eml"], Directory.EnumerateFiles(Path.Combine(site.DataRoot, "mail")).Select(Path.GetFileName));
    }

    [Fact]
    public async Task A_form_changed_and_sent_again_is_a_new_inquiry()
    {
        // Back, fix a detail, send: the same form stamp, but what was typed differs, so intake must see both.
        using var site = ContactSite.Create();
        var visitor = site.Visitor();
        var form = await visitor.FilledFormAsync();

        var first = ContactVisitor.ReferenceOf(await visitor.PostAsync(form));
        form["message"] = "Sorry, I meant my cousin, not my brother.";
        var second = ContactVisitor.ReferenceOf(await visitor.PostAsync(form));

        Assert.NotEqual(first, second);
        Assert.Equal(2, OutboxFile.Rows(site.OutboxPath()).Count);
    }

    [Fact]
    public async Task An_outbox_written_before_repeats_were_recognised_gains_the_column_and_keeps_its_rows()
    {
        using var site = ContactSite.Create();
        CreateVersion1Outbox(site.OutboxPath());

        var reference = await site.Visitor().SendValidAsync();
        await OutboxFile.WaitForStateAsync(site.OutboxPath(), reference, "delivered");

        Assert.Equal(["OLD1-ROWS", reference], OutboxFile.Rows(site.OutboxPath()).Select(r => r.Id));
        using var connection = Open(site.OutboxPath());
        // Still version 1: the added column is one an older build leaves empty, so a rollback can open the file.
        Assert.Equal(1L, Scalar(connection, "PRAGMA user_version"));
        Assert.Equal(1L, Scalar(connection, "SELECT count(*) FROM pragma_table_info('inquiry') WHERE name = 'repeat_key'"));
    }

    /// <summary>The outbox as the site wrote it before repeats were recognised (no repeat_key), with one delivered inquiry in it.</summary>
    private static void CreateVersion1Outbox(string path)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        using var connection = Open(path);
        using var command = connection.CreateCommand();
        command.CommandText = """
            PRAGMA journal_mode = WAL;
            CREATE TABLE inquiry (
                id TEXT PRIMARY KEY,
                state TEXT NOT NULL CHECK (state IN ('pending', 'sending', 'delivered', 'dead', 'purged')),
                payload BLOB, attempts INTEGER NOT NULL DEFAULT 0, created_at INTEGER NOT NULL, queued_at INTEGER NOT NULL,
                next_attempt_at INTEGER NOT NULL, last_attempt_at INTEGER, delivered_at INTEGER, dead_at INTEGER, last_error TEXT
            ) STRICT;
            CREATE INDEX inquiry_state_due ON inquiry (state, next_attempt_at);
            CREATE TABLE probe (id INTEGER PRIMARY KEY CHECK (id = 1), checked_at INTEGER NOT NULL) STRICT;
            INSERT INTO inquiry (id, state, attempts, created_at, queued_at, next_attempt_at, delivered_at)
            VALUES ('OLD1-ROWS', 'delivered', 1, 1, 1, 1, 2);
            PRAGMA user_version = 1;
            """;
        command.ExecuteNonQuery();
    }

    private static SqliteConnection Open(string path)
    {
        var connection = new SqliteConnection(new SqliteConnectionStringBuilder { DataSource = path, Pooling = false }.ToString());
        connection.Open();
        return connection;
    }

    private static object? Scalar(SqliteConnection connection, string sql)
    {
        using var command = connection.CreateCommand();
        command.CommandText = sql;
        return command.ExecuteScalar();
    }
}

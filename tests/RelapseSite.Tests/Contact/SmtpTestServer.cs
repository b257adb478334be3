using System.Buffers;
using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;
using MimeKit;
using SmtpServer;
using SmtpServer.Mail;
using SmtpServer.Protocol;
using SmtpServer.Storage;

namespace RelapseSite.Tests.Contact;

/// <summary>A message as the SMTP server received it: the envelope (who it was really sent to) and the parsed message.</summary>
public sealed record ReceivedMail(string EnvelopeFrom, IReadOnlyList<string> EnvelopeTo, MimeMessage Message, string Raw);

/// <summary>
/// A real SMTP server on a loopback port, in the test process. It can be stopped and started again on the same port,
/// to play "the mail server is down, then back", and it can hold a message mid-transfer (<see cref="Hold"/>), to play
/// "the site died while sending".
/// </summary>
public sealed class SmtpTestServer : IAsyncDisposable
{
    private readonly ConcurrentQueue<ReceivedMail> _received = new();
    private readonly ConcurrentDictionary<string, int> _refused = new(StringComparer.OrdinalIgnoreCase);
    private CancellationTokenSource? _running;
    private Task? _task;
    private TaskCompletionSource _released = CompletedSource();

    private SmtpTestServer(int port) => Port = port;

    public int Port { get; }

    public IReadOnlyList<ReceivedMail> Received => [.. _received];

    /// <summary>
    /// From now on, RCPT TO for this address is answered with <paramref name="code"/>: 550 as for a mailbox that was
    /// deleted, or a 4xx as for greylisting or a full mailbox.
    /// </summary>
    public void Refuse(string address, int code = 550) => _refused[address] = code;

    /// <summary>From now on, this address is accepted again.</summary>
    public void Accept(string address) => _refused.TryRemove(address, out _);

    /// <summary>Completes when a message has arrived while held: the client is mid-send.</summary>
    public TaskCompletionSource HeldMessageArrived { get; private set; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

    /// <summary>A port that nothing listens on yet: the site sees "connection refused" until <see cref="StartAsync"/>.</summary>
    public static SmtpTestServer Reserve()
    {
        var probe = new TcpListener(IPAddress.Loopback, 0);
        probe.Start();
        var port = ((IPEndPoint)probe.LocalEndpoint).Port;
        probe.Stop();
        return new SmtpTestServer(port);
    }

    public static async Task<SmtpTestServer> StartNewAsync()
    {
        var server = Reserve();
        await server.StartAsync();
        return server;
    }

    public async Task StartAsync()
    {
        // While the port was free, an outgoing connection may have borrowed it as its local port: wait for it to go.
        var deadline = DateTime.UtcNow.AddSeconds(15);
        while (true)
        {
            try
            {
                await TryStartAsync();
                return;
            }
            catch (SocketException ex) when (ex.SocketErrorCode == SocketError.AddressAlreadyInUse && DateTime.UtcNow < deadline)
            {
                await StopAsync();
                await Task.Delay(100);
            }
        }
    }

    private async Task TryStartAsync()
    {
        var options = new SmtpServerOptionsBuilder()
            .ServerName("smtp.test")
            .Endpoint(endpoint => endpoint.Endpoint(new IPEndPoint(IPAddress.Loopback, Port)))
            .Build();
        var services = new SmtpServer.ComponentModel.ServiceProvider();
        services.Add(new Store(this));
        services.Add(new RefusingFilter(this));
        var server = new SmtpServer.SmtpServer(options, services);
        _running = new CancellationTokenSource();
        _task = server.StartAsync(_running.Token);

        // Listening has begun once a client can connect; a failed start surfaces here, not as a timeout.
        var deadline = DateTime.UtcNow.AddSeconds(10);
        while (true)
        {
            if (_task.IsFaulted)
            {
                await _task;
            }

            try
            {
                using var client = new TcpClient();
                await client.ConnectAsync(IPAddress.Loopback, Port);
                return;
            }
            catch (SocketException) when (DateTime.UtcNow < deadline)
            {
                await Task.Delay(20);
            }
        }
    }

    public async Task StopAsync()
    {
        if (_running is null)
        {
            return;
        }

        await _running.CancelAsync();
        try
        {
            await _task!;
        }
        catch (Exception ex) when (ex is OperationCanceledException or SocketException)
        {
            // Stopped, or never started.
        }

        _running.Dispose();
        _running = null;
    }

    /// <summary>From now on, each message is held (not acknowledged) until <see cref="Release"/>.</summary>
    public void Hold()
    {
        _released = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        HeldMessageArrived = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
    }

    public void Release() => _released.TrySetResult();

    public async Task<IReadOnlyList<ReceivedMail>> WaitForAsync(int count, TimeSpan? limit = null)
    {
        var received = await Eventually.Get(() => Task.FromResult(Received), r => r.Count >= count, limit ?? TimeSpan.FromSeconds(20));
        Assert.True(received.Count >= count, $"expected {count} messages, the SMTP server received {received.Count}");
        return received;
    }

    public async ValueTask DisposeAsync()
    {
        Release();
        await StopAsync();
    }

    private static TaskCompletionSource CompletedSource()
    {
        var source = new TaskCompletionSource();
        source.SetResult();
        return source;
    }

    private sealed class RefusingFilter(SmtpTestServer owner) : IMailboxFilter
    {
        public Task<bool> CanAcceptFromAsync(ISessionContext context, IMailbox from, int size, CancellationToken cancellationToken) =>
            Task.FromResult(true);

        public Task<bool> CanDeliverToAsync(ISessionContext context, IMailbox to, IMailbox from, CancellationToken cancellationToken) =>
            !owner._refused.TryGetValue($"{to.User}@{to.Host}", out var code) ? Task.FromResult(true)
            : code >= 500 ? Task.FromResult(false)
            : throw new SmtpResponseException(new SmtpResponse((SmtpReplyCode)code, "4.2.0 try again later"));
    }

    private sealed class Store(SmtpTestServer owner) : MessageStore
    {
        public override async Task<SmtpResponse> SaveAsync(
            ISessionContext context, IMessageTransaction transaction, ReadOnlySequence<byte> buffer, CancellationToken cancellationToken)
        {
            var bytes = buffer.ToArray();
            if (!owner._released.Task.IsCompleted)
            {
                owner.HeldMessageArrived.TrySetResult();
                await owner._released.Task;
            }

            using var stream = new MemoryStream(bytes);
            var message = await MimeMessage.LoadAsync(stream, CancellationToken.None);
            owner._received.Enqueue(new ReceivedMail(
                $"{transaction.From.User}@{transaction.From.Host}",
                [.. transaction.To.Select(to => $"{to.User}@{to.Host}")],
                message,
                System.Text.Encoding.UTF8.GetString(bytes)));
            return SmtpResponse.Ok;
        }
    }
}

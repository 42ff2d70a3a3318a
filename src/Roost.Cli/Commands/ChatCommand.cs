using System.CommandLine;
using System.Globalization;
using Roost.Client;
using Roost.Client.Realtime;
using Roost.Protocol.Events;
using Roost.Protocol.Realtime;
using Roost.Protocol.Rest;
using Spectre.Console;

namespace Roost.Cli.Commands;

/// <summary>
/// <c>roost chat</c>: a terminal client. Log in, list conversations, open one, send, and see live messages, receipts
/// and typing. Commands start with '/'; anything else is sent to the open conversation.
/// </summary>
internal static class ChatCommand
{
    public static Command Create(IAnsiConsole console)
    {
        var url = CommonOptions.Url();
        var username = new Option<string>("--username", "-n") { Description = "Your username.", Required = true };
        var password = new Option<string?>("--password") { Description = "Your password (env ROOST_PASSWORD; asked for when absent)." };
        var command = new Command("chat", "Chat in the terminal: /list, /open <name>, /dm <username>, /history, /quit.") { url, username, password };
        command.SetAction((result, cancellationToken) =>
            new ChatSession(console, result.GetValue(url)!).RunAsync(result.GetValue(username)!, result.GetValue(password) ?? Environment.GetEnvironmentVariable("ROOST_PASSWORD"), cancellationToken));
        return command;
    }

    private sealed class ChatSession(IAnsiConsole console, Uri url)
    {
        private readonly Lock _gate = new();
        private ChatTranscript _transcript = new(0);
        private RoostClient _client = null!;
        private RoostLiveClient? _live;
        private long _me;
        private ConversationResponse? _open;

        public async Task<int> RunAsync(string username, string? password, CancellationToken cancellationToken)
        {
            using var client = new RoostClient(url);
            _client = client;
            password ??= console.Prompt(new TextPrompt<string>("Password:").Secret());
            try
            {
                var login = await client.LoginAsync(username, password, Environment.MachineName, "roost-cli", cancellationToken);
                if (login.SecondFactor is { } challenge)
                {
                    var method = challenge.Methods.Count == 1 ? challenge.Methods[0] : console.Prompt(new SelectionPrompt<string>().Title("Second factor:").AddChoices(challenge.Methods));
                    if (method == "sms")
                    {
                        await client.SendSecondFactorSmsAsync(challenge.Challenge, cancellationToken);
                    }

                    login = await client.CompleteSecondFactorAsync(challenge.Challenge, method, console.Ask<string>($"{method} code:"), cancellationToken);
                }

                _me = login.AccountId;
                _transcript = new ChatTranscript(_me);
            }
            catch (RoostApiException exception)
            {
                console.MarkupLineInterpolated($"[red]{exception.Code}:[/] {exception.Title}");
                return 1;
            }
            catch (HttpRequestException exception)
            {
                console.MarkupLineInterpolated($"[red]Cannot reach {url}:[/] {exception.Message}");
                return 1;
            }

            await using var live = new RoostLiveClient(url, client.AccessToken!);
            _live = live;
            await live.StartAsync(cancellationToken);
            var printing = PrintEventsAsync(live, cancellationToken);
            console.MarkupLine("[grey]Connected. /list to see conversations, /open <name> to open one, /quit to leave.[/]");
            await ListAsync(cancellationToken);
            while (!cancellationToken.IsCancellationRequested)
            {
                var line = await ReadLineAsync(cancellationToken);
                if (line is null || line == "/quit")
                {
                    break;
                }

                try
                {
                    await HandleAsync(line.Trim(), cancellationToken);
                }
                catch (RoostApiException exception)
                {
                    console.MarkupLineInterpolated($"[red]{exception.Code}:[/] {exception.Title}");
                }
                catch (RoostRealtimeException exception)
                {
                    console.MarkupLineInterpolated($"[red]{exception.Code}:[/] {exception.Message}");
                }
            }

            await live.DisposeAsync();
            await printing;
            return 0;
        }

        private async Task HandleAsync(string line, CancellationToken cancellationToken)
        {
            if (line.Length == 0)
            {
                return;
            }

            if (line == "/list")
            {
                await ListAsync(cancellationToken);
            }
            else if (line.StartsWith("/open ", StringComparison.Ordinal))
            {
                await OpenAsync(line[6..].Trim(), cancellationToken);
            }
            else if (line.StartsWith("/dm ", StringComparison.Ordinal))
            {
                var conversation = await _client.CreateDirectAsync(line[4..].Trim(), cancellationToken);
                await ShowAsync(conversation, cancellationToken);
            }
            else if (line == "/history" && _open is not null)
            {
                await ShowAsync(_open, cancellationToken);
            }
            else if (line.StartsWith('/'))
            {
                console.MarkupLine("[grey]Commands: /list, /open <name>, /dm <username>, /history, /quit[/]");
            }
            else if (_open is null)
            {
                console.MarkupLine("[yellow]Open a conversation first: /open <name> or /dm <username>.[/]");
            }
            else
            {
                var conversationId = _open.Id;
                var ack = await _live!.SendAsync(conversationId, line, cancellationToken: cancellationToken);
                lock (_gate)
                {
                    Write(_transcript.OnAck(conversationId, ack.Seq ?? 0, line, ack.SentAt ?? DateTimeOffset.UtcNow));
                }
            }
        }

        private async Task ListAsync(CancellationToken cancellationToken)
        {
            var list = await _client.GetConversationsAsync(cancellationToken: cancellationToken);
            var table = new Table().AddColumns("conversation", "unread", "last message");
            foreach (var conversation in list.Conversations)
            {
                Remember(conversation);
                table.AddRow(
                    Markup.Escape(ChatTranscript.Safe(NameOf(conversation))),
                    conversation.UnreadCount.ToString(CultureInfo.InvariantCulture),
                    Markup.Escape(ChatTranscript.Safe(conversation.LastMessage is { } last ? $"{Who(last.SenderId)}: {last.Body ?? "(deleted)"}" : "—")));
            }

            console.Write(table);
        }

        private async Task OpenAsync(string name, CancellationToken cancellationToken)
        {
            var list = await _client.GetConversationsAsync(limit: 200, cancellationToken: cancellationToken);
            var match = list.Conversations.FirstOrDefault(c => string.Equals(NameOf(c), name, StringComparison.OrdinalIgnoreCase));
            if (match is null)
            {
                console.MarkupLineInterpolated($"[yellow]No conversation called {name}. Try /dm {name}.[/]");
                return;
            }

            await ShowAsync(match, cancellationToken);
        }

        private async Task ShowAsync(ConversationResponse conversation, CancellationToken cancellationToken)
        {
            lock (_gate)
            {
                _transcript.Open(conversation);
            }

            _open = conversation;
            console.Write(new Rule(Markup.Escape(ChatTranscript.Safe(NameOf(conversation)))));
            var history = await _client.GetMessagesAsync(conversation.Id, limit: 20, cancellationToken: cancellationToken);
            foreach (var message in history.Messages)
            {
                Print(message);
            }

            if (history.Messages.Count > 0)
            {
                await _live!.MarkReadAsync(conversation.Id, history.Messages[^1].Seq, cancellationToken);
            }
        }

        private async Task PrintEventsAsync(RoostLiveClient live, CancellationToken cancellationToken)
        {
            try
            {
                await foreach (var frame in live.ReadAllAsync(cancellationToken))
                {
                    switch (frame.Event)
                    {
                        case MessageCreatedEvent created when created.Message.ConversationId == _open?.Id:
                            Print(created.Message);
                            if (created.Message.SenderId != _me)
                            {
                                await live.MarkReadAsync(created.Message.ConversationId, created.Message.Seq, cancellationToken);
                            }

                            break;
                        case MessageCreatedEvent created when created.Message.SenderId != _me:
                            console.MarkupLineInterpolated($"[blue]● new message from {Who(created.Message.SenderId)}[/]");
                            break;
                        case ReceiptEvent receipt:
                            lock (_gate)
                            {
                                Write(_transcript.OnReceipt(receipt) is { } line ? [line] : []);
                            }

                            break;
                    }

                    if (frame.Type == ServerFrameTypes.Typing && frame.ConversationId == _open?.Id)
                    {
                        console.MarkupLineInterpolated($"[grey]  {ChatTranscript.Safe(Who(frame.AccountId ?? 0))} is typing…[/]");
                    }
                }
            }
            catch (OperationCanceledException)
            {
                // Leaving.
            }
        }

        /// <summary>Reads a line; the first key of a line tells the others you are typing. Redirected input is read plainly.</summary>
        private async Task<string?> ReadLineAsync(CancellationToken cancellationToken)
        {
            if (Console.IsInputRedirected)
            {
                return await Console.In.ReadLineAsync(cancellationToken);
            }

            var buffer = new System.Text.StringBuilder();
            while (!cancellationToken.IsCancellationRequested)
            {
                if (!Console.KeyAvailable)
                {
                    await Task.Delay(15, cancellationToken);
                    continue;
                }

                var key = Console.ReadKey(intercept: false);
                if (key.Key == ConsoleKey.Enter)
                {
                    Console.WriteLine();
                    return buffer.ToString();
                }

                if (key.Key == ConsoleKey.Backspace && buffer.Length > 0)
                {
                    buffer.Length--;
                    continue;
                }

                if (buffer.Length == 0 && key.KeyChar != '/' && _open is not null)
                {
                    _ = _live!.TypingAsync(_open.Id, cancellationToken);
                }

                buffer.Append(key.KeyChar);
            }

            return null;
        }

        private void Print(MessageResponse message)
        {
            lock (_gate)
            {
                Write(_transcript.OnMessage(message));
            }
        }

        /// <summary>Writes markup lines; the caller holds <see cref="_gate"/> so lines of one event stay together.</summary>
        private void Write(IReadOnlyList<string> lines)
        {
            foreach (var line in lines)
            {
                console.MarkupLine(line);
            }
        }

        private void Remember(ConversationResponse conversation)
        {
            lock (_gate)
            {
                _transcript.Remember(conversation);
            }
        }

        private string Who(long accountId)
        {
            lock (_gate)
            {
                return _transcript.Who(accountId);
            }
        }

        private string NameOf(ConversationResponse conversation) =>
            conversation.Kind == "group"
                ? conversation.Title ?? "group"
                : conversation.Members.FirstOrDefault(m => m.AccountId != _me)?.Username ?? "direct";
    }
}

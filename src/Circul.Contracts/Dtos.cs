using Orleans;

namespace Circul.Contracts;

/// <summary>A user (human or bot) as the API shows it.</summary>
[GenerateSerializer, Immutable, Alias("circul.UserDto")]
public sealed record UserDto(
    string Id, string Name, bool IsBot, string? OwnerId, string Status, string Mood, string Bio,
    string AvatarUrl, string BannerUrl);

/// <summary>The answer of register and login.</summary>
[GenerateSerializer, Immutable, Alias("circul.AuthResultDto")]
public sealed record AuthResultDto(UserDto User, string Token);

/// <summary>The sender summary embedded in a message.</summary>
[GenerateSerializer, Immutable, Alias("circul.SenderDto")]
public sealed record SenderDto(string Id, string Name, bool IsBot, string AvatarUrl);

/// <summary>One emoji's reactions on a message.</summary>
[GenerateSerializer, Immutable, Alias("circul.ReactionDto")]
public sealed record ReactionDto(string Emoji, int Count, IReadOnlyList<string> UserIds);

/// <summary>A message in a DM, group or panel channel. <see cref="VisibleTo"/> is set on a private message (a webhook
/// bot's private reply): the one user besides the sender who can see it; null on every other message.</summary>
[GenerateSerializer, Immutable, Alias("circul.MessageDto")]
public sealed record MessageDto(
    string Id, string ConvId, string? PanelId, string? ChannelId, string SenderId, SenderDto Sender,
    string Text, bool Bold, bool Italic, IReadOnlyList<string> Mentions, string? ReplyToId,
    IReadOnlyList<ReactionDto> Reactions, bool IsSystem, DateTimeOffset CreatedAt, DateTimeOffset? EditedAt,
    string? VisibleTo = null);

/// <summary>A DM or group conversation.</summary>
[GenerateSerializer, Immutable, Alias("circul.ConversationDto")]
public sealed record ConversationDto(
    string Id, string Kind, string? Name, IReadOnlyList<string> MemberIds, string? OwnerId,
    DateTimeOffset CreatedAt, string? LastMessageId);

/// <summary>A bot application owned by a human.</summary>
[GenerateSerializer, Immutable, Alias("circul.AppDto")]
public sealed record AppDto(
    string Id, string Name, string Description, IReadOnlyList<string> RedirectUris, string OwnerId,
    string AvatarUrl, DateTimeOffset CreatedAt);

/// <summary>The answer of app creation: the app and its token, shown only here.</summary>
[GenerateSerializer, Immutable, Alias("circul.AppCreatedDto")]
public sealed record AppCreatedDto(AppDto App, string Token);

/// <summary>A freshly issued token.</summary>
[GenerateSerializer, Immutable, Alias("circul.TokenDto")]
public sealed record TokenDto(string Token);

/// <summary>The error body of every API failure.</summary>
[GenerateSerializer, Immutable, Alias("circul.ErrorDto")]
public sealed record ErrorDto(string Error);

/// <summary>The body of a 429.</summary>
[GenerateSerializer, Immutable, Alias("circul.RateLimitedDto")]
public sealed record RateLimitedDto(string Error, double RetryAfter, bool Global);

using Orleans;

namespace Circul.Grains.Users;

[GenerateSerializer, Alias("circul.ImageKind")]
public enum ImageKind
{
    Avatar,
    Banner,
}

namespace Circul.Grains.Users;

public enum ImageKind
{
    Avatar,
    Banner,
}

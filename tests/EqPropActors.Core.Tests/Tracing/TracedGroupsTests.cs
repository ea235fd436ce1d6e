using EqPropActors.Core.Network;
using EqPropActors.Core.Tracing;

namespace EqPropActors.Core.Tests.Tracing;

/// <summary>--groups: "all" or names of groups that step, in network order; anything else is refused by name.</summary>
public sealed class TracedGroupsTests
{
    private static readonly NetworkSpec Network = new([20, 12, 6], groupsPerHiddenLayer: 2);

    [Fact]
    public void AllIsEveryGroupThatSteps() =>
        Assert.Equal(["L1G0", "L1G1", "L2G0"], TracedGroups.Parse("all", Network).Select(g => g.Name));

    [Fact]
    public void NamedGroupsComeInNetworkOrderOnce() =>
        Assert.Equal(["L1G1", "L2G0"], TracedGroups.Parse("l2g0, L1G1,L2G0", Network).Select(g => g.Name));

    [Theory]
    [InlineData("L4G0", "'L4G0' is not a group of the 20-12-6 network; its groups are L1G0, L1G1, L2G0")]
    [InlineData("L0G0", "'L0G0' is the clamped input")]
    [InlineData(",", "names no group")]
    public void AnythingElseIsRefusedByName(string text, string expected)
    {
        var error = Assert.Throws<ConfigurationException>(() => TracedGroups.Parse(text, Network));
        Assert.Contains(expected, error.Message);
    }
}

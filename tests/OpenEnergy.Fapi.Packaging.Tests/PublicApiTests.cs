using System.Reflection;
using System.Text;
using OpenEnergy.Fapi.AspNetCore;
using OpenEnergy.Fapi.HttpListener;
using OpenEnergy.Fapi.Testing;
using OpenEnergy.Fapi.Validation;

namespace OpenEnergy.Fapi.Packaging.Tests;

/// <summary>
/// The public API of every package is deliberate: it must match the snapshot in <c>PublicApi/</c>. After an
/// intended change, run the tests with <c>UPDATE_PUBLIC_API=1</c> and review the diff of the snapshot.
/// </summary>
public class PublicApiTests
{
    private static IEnumerable<TestCaseData> Packages()
    {
        yield return new TestCaseData(typeof(IFapiValidator).Assembly).SetArgDisplayNames("OpenEnergy.Fapi");
        yield return new TestCaseData(typeof(FapiHttpOptions).Assembly).SetArgDisplayNames("OpenEnergy.Fapi.AspNetCore");
        yield return new TestCaseData(typeof(FapiHttpListenerGuard).Assembly).SetArgDisplayNames("OpenEnergy.Fapi.HttpListener");
        yield return new TestCaseData(typeof(FakeAuthorizationServer).Assembly).SetArgDisplayNames("OpenEnergy.Fapi.Testing");
    }

    [TestCaseSource(nameof(Packages))]
    public void PublicApi_MatchesTheSnapshot(Assembly assembly)
    {
        string actual = Describe(assembly);
        string path = Path.Combine(Repository.Root, "tests", "OpenEnergy.Fapi.Packaging.Tests", "PublicApi", assembly.GetName().Name + ".txt");
        if (Environment.GetEnvironmentVariable("UPDATE_PUBLIC_API") == "1")
        {
            File.WriteAllText(path, actual);
        }

        Assert.That(File.Exists(path), Is.True, $"no snapshot at {path}: run with UPDATE_PUBLIC_API=1");
        string expected = File.ReadAllText(path);
        string[] added = actual.Split('\n').Except(expected.Split('\n')).ToArray();
        string[] removed = expected.Split('\n').Except(actual.Split('\n')).ToArray();
        Assert.That(added.Concat(removed), Is.Empty, "public API changed:\n+ " + string.Join("\n+ ", added) + "\n- " + string.Join("\n- ", removed));
    }

    [TestCaseSource(nameof(Packages))]
    public void EveryPublicType_IsInAnOpenEnergyOrExtensionNamespace(Assembly assembly)
    {
        foreach (Type type in assembly.GetExportedTypes())
        {
            Assert.That(type.Namespace, Does.StartWith("OpenEnergy.Fapi").Or.StartWith("Microsoft."), type.FullName);
        }
    }

    internal static string Describe(Assembly assembly)
    {
        var lines = new List<string>();
        foreach (Type type in assembly.GetExportedTypes())
        {
            lines.Add($"{Kind(type)} {type.FullName}{BaseList(type)}");
            const BindingFlags flags = BindingFlags.Public | BindingFlags.Instance | BindingFlags.Static | BindingFlags.DeclaredOnly;
            foreach (MemberInfo member in type.GetMembers(flags | BindingFlags.NonPublic))
            {
                if (Describe(member) is { } line)
                {
                    lines.Add($"  {type.FullName}::{line}");
                }
            }
        }

        lines.Sort(StringComparer.Ordinal);
        return string.Join('\n', lines) + "\n";
    }

    private static string Kind(Type type) => type switch
    {
        { IsEnum: true } => "enum",
        { IsInterface: true } => "interface",
        { IsValueType: true } => "struct",
        { IsAbstract: true, IsSealed: true } => "static class",
        { IsSealed: true } => "sealed class",
        { IsAbstract: true } => "abstract class",
        _ => "class",
    };

    private static string BaseList(Type type)
    {
        var bases = new List<string>();
        if (type.BaseType is { } b && b != typeof(object) && b != typeof(ValueType) && b != typeof(Enum))
        {
            bases.Add(Name(b));
        }

        bases.AddRange(type.GetInterfaces().Where(i => i.IsPublic || i.IsNestedPublic).Select(Name).Order(StringComparer.Ordinal));
        return bases.Count == 0 ? "" : " : " + string.Join(", ", bases);
    }

    private static string? Describe(MemberInfo member)
    {
        switch (member)
        {
            case ConstructorInfo c when c.IsPublic || c.IsFamily:
                return $"{Access(c)}.ctor({Parameters(c.GetParameters())})";
            case MethodInfo m when (m.IsPublic || m.IsFamily) && !m.IsSpecialName:
                return $"{Access(m)}{(m.IsStatic ? "static " : "")}{(m.IsVirtual && !m.IsFinal ? "virtual " : "")}{Name(m.ReturnType)} {m.Name}{Generic(m)}({Parameters(m.GetParameters())})";
            case PropertyInfo p when (p.GetMethod?.IsPublic ?? false) || (p.SetMethod?.IsPublic ?? false):
                string accessors = (p.GetMethod?.IsPublic == true ? "get; " : "") + (p.SetMethod?.IsPublic == true ? (IsInitOnly(p.SetMethod) ? "init; " : "set; ") : "");
                return $"{(p.GetMethod?.IsStatic == true ? "static " : "")}{Name(p.PropertyType)} {p.Name} {{ {accessors}}}";
            case FieldInfo f when f.IsPublic || f.IsFamily:
                return $"{(f.IsLiteral ? "const " : f.IsStatic ? "static " : "")}{(f.IsInitOnly ? "readonly " : "")}{Name(f.FieldType)} {f.Name}{(f.IsLiteral ? " = " + f.GetRawConstantValue() : "")}";
            case EventInfo e when e.AddMethod?.IsPublic == true:
                return $"event {Name(e.EventHandlerType!)} {e.Name}";
            default:
                return null;
        }
    }

    private static bool IsInitOnly(MethodInfo setter) => setter.ReturnParameter.GetRequiredCustomModifiers().Any(t => t.Name == "IsExternalInit");

    private static string Access(MethodBase m) => m.IsFamily ? "protected " : "";

    private static string Generic(MethodInfo m) => m.IsGenericMethod ? "<" + string.Join(", ", m.GetGenericArguments().Select(a => a.Name)) + ">" : "";

    private static string Parameters(ParameterInfo[] parameters)
        => string.Join(", ", parameters.Select(p => (p.IsDefined(typeof(ParamArrayAttribute)) ? "params " : "") + Name(p.ParameterType) + " " + p.Name + (p.HasDefaultValue ? " = " + (p.DefaultValue ?? "null") : "")));

    private static string Name(Type type)
    {
        if (type.IsGenericParameter)
        {
            return type.Name;
        }

        if (type.IsArray)
        {
            return Name(type.GetElementType()!) + "[]";
        }

        if (type.IsByRef)
        {
            return "ref " + Name(type.GetElementType()!);
        }

        if (Nullable.GetUnderlyingType(type) is { } inner)
        {
            return Name(inner) + "?";
        }

        if (!type.IsGenericType)
        {
            return type.FullName ?? type.Name;
        }

        string definition = type.GetGenericTypeDefinition().FullName ?? type.Name;
        var builder = new StringBuilder(definition[..definition.IndexOf('`', StringComparison.Ordinal)]);
        return builder.Append('<').Append(string.Join(", ", type.GetGenericArguments().Select(Name))).Append('>').ToString();
    }
}

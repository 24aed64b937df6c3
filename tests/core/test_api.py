"""The public API is small and pinned: changing it is a decision."""
import scanner


def test_public_names_are_pinned():
    assert sorted(scanner.__all__) == [
        "ConfigError", "Engine", "Extraction", "ExtractionError", "Finding", "Item", "ItemResult",
        "LexiconError", "LimitExceeded", "Limits", "PreclearError", "ScanConfig", "ToolError", "Verdict",
        "load_config", "scan_bytes", "scan_paths",
    ]
    for name in scanner.__all__:
        assert hasattr(scanner, name)


def test_results_round_trip_through_json(engine):
    result = scanner.scan_bytes("机密★5年\n内部资料".encode(), "a.txt", engine=engine)[0]
    again = scanner.ItemResult.from_dict(result.to_dict())
    assert again.to_dict() == result.to_dict()


def test_config_from_toml_reaches_the_engine(tmp_path):
    lex = tmp_path / "u.csv"
    lex.write_text("term,level\n赤霄工程,绝密\n", encoding="utf-8")
    cfg = tmp_path / "preclear.toml"
    cfg.write_text('[scan]\nlexicons = ["u.csv"]\n[limits]\nmax_depth = 1\n[scoring]\naggregate_categories = 2\n',
                   encoding="utf-8")
    config = scanner.load_config(cfg)
    assert config.limits.max_depth == 1 and config.scoring.aggregate_categories == 2
    result = scanner.scan_bytes("赤霄工程".encode(), "a.txt", config)[0]
    assert result.verdict is scanner.Verdict.BLOCK and result.findings[0].level == "绝密"

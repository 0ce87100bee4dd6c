"""Discovery and the project lookup read what they need off each folder's listing: the answers
must be those of asking the file system path by path (os.walk, a stat per file, a configuration
file and a root marker looked for in every folder), whatever odd entries a folder holds."""

from __future__ import annotations

import os
import stat
from pathlib import Path

import pytest

from rnnlint import _project
from rnnlint._config import DEFAULT_EXCLUDE, Config, Hierarchy, load_config
from rnnlint._runner import RunOptions, discover, run

from conftest import write_project


def _walked(top: Path, config: Config) -> list:
    """What discovery keeps, asked the slow way: os.walk, then a stat per file (the oracle)."""
    found = []
    for folder, folders, files in os.walk(top):
        relative = Path(folder).relative_to(top)
        folders[:] = [name for name in folders if not name.startswith(".") and name != "__pycache__"
                      and not os.path.exists(os.path.join(folder, name, "pyvenv.cfg"))
                      and not config.is_excluded(relative / name)]
        for name in files:
            if not config.is_included(relative / name) or config.is_excluded(relative / name):
                continue
            try:
                mode = os.stat(os.path.join(folder, name)).st_mode
            except OSError:
                continue
            if stat.S_ISREG(mode):
                found.append(str(Path(folder) / name))
    return sorted(found)


def _odd_tree(root: Path) -> None:
    write_project(root, {
        "a.py": "x = 1\n", "b.pyi": "x: int\n", "c.ipynb": "{}", "notes.txt": "", "build.py": "x = 1\n",
        "pkg/__init__.py": "", "pkg/mod.py": "x = 1\n", "pkg/deep/er/most.py": "x = 1\n",
        ".hidden/h.py": "x = 1\n", "__pycache__/p.py": "x = 1\n", "build/b.py": "x = 1\n",
        "venv_like/pyvenv.cfg": "", "venv_like/v.py": "x = 1\n", "dir.py/inner.py": "x = 1\n",
        "other/skip_me/s.py": "x = 1\n", "other/keep.py": "x = 1\n", "target/t.py": "x = 1\n",
    })
    os.symlink(root / "target", root / "linked_folder")  # a link to a folder is not followed
    os.symlink(root / "a.py", root / "linked.py")  # a link to a file is a file
    os.symlink(root / "missing.py", root / "broken.py")
    if hasattr(os, "mkfifo"):
        os.mkfifo(root / "pipe.py")  # never opened
    (root / "a_folder.ipynb").mkdir()


@pytest.mark.skipif(not hasattr(os, "symlink"), reason="symbolic links")
@pytest.mark.parametrize("config", [Config(exclude=DEFAULT_EXCLUDE),
                                    Config(exclude=DEFAULT_EXCLUDE + ("skip_me", "*.pyi")),
                                    Config(exclude=DEFAULT_EXCLUDE, extend_include=("*.txt",))])
def test_discovery_keeps_what_a_walk_and_a_stat_per_file_keep(tmp_path, config, monkeypatch):
    _odd_tree(tmp_path)
    expected = _walked(tmp_path, config)
    assert str(tmp_path / "linked.py") in expected and str(tmp_path / "pkg" / "deep" / "er" / "most.py") in expected
    assert [str(path) for path in discover([tmp_path], config)] == expected
    monkeypatch.chdir(tmp_path)  # folders spelt relative to the current one, as Path spells them
    assert [str(path) for path in discover(["."], config)] == \
        [os.path.relpath(path, tmp_path) for path in expected]
    assert [str(path) for path in discover(["./pkg/"], config)] == ["pkg/__init__.py", "pkg/deep/er/most.py",
                                                                    "pkg/mod.py"]


def test_a_folder_s_configuration_is_read_off_its_listing_as_the_file_system_tells_it(tmp_path):
    write_project(tmp_path, {
        "rnnlint.toml": "extend-exclude = ['one.py']\n", "one.py": "x = 1\n", "two.py": "x = 1\n",
        # a pyproject.toml without a [tool.rnnlint] table is no configuration: the one above holds
        "plain/pyproject.toml": "[project]\nname = 'x'\n", "plain/one.py": "x = 1\n",
        # a folder named like a configuration file is none either
        "named/rnnlint.toml/x.py": "x = 1\n", "named/one.py": "x = 1\n",
        "own/.rnnlint.toml": "extend-exclude = ['two.py']\n", "own/one.py": "x = 1\n", "own/two.py": "x = 1\n",
        "elsewhere/linked.toml": "extend-exclude = ['one.py', 'two.py']\n", "linked/one.py": "x = 1\n",
    })
    os.symlink(tmp_path / "elsewhere" / "linked.toml", tmp_path / "linked" / "rnnlint.toml")

    def hierarchy() -> Hierarchy:
        return Hierarchy(Config(), tmp_path, load_config)

    asked = hierarchy()  # folder by folder, as a file's configuration is found
    expected = {folder: asked.file_for(tmp_path / folder) for folder in
                (".", "plain", "named", "named/rnnlint.toml", "own", "linked")}
    assert expected["plain"] == expected["named"] == tmp_path / "rnnlint.toml"
    assert expected["linked"] == tmp_path / "linked" / "rnnlint.toml"
    walking = hierarchy()
    found = sorted(str(path.relative_to(tmp_path)) for path in discover([tmp_path], Config(), tmp_path, walking))
    assert {folder: walking.file_for(tmp_path / folder) for folder in expected} == expected
    assert found == ["named/rnnlint.toml/x.py", "own/one.py", "two.py"]


@pytest.mark.skipif(not hasattr(os, "symlink"), reason="symbolic links")
def test_the_project_roots_a_walk_learns_are_those_the_file_system_tells(tmp_path):
    write_project(tmp_path, {
        "repo/setup.cfg": "", "repo/pkg/__init__.py": "", "repo/pkg/sub/__init__.py": "", "repo/pkg/sub/m.py": "",
        "loose/pkg/__init__.py": "", "loose/pkg/m.py": "", "loose/script.py": "",
        "fake/pkg/m.py": "", "fake/__init__.py/x.py": "", "torch/__init__.py": "", "torch/nn.py": "",
    })
    os.symlink(tmp_path / "nowhere", tmp_path / "fake" / "setup.py")  # a broken link marks nothing
    os.symlink(tmp_path / "repo" / "setup.cfg", tmp_path / "loose" / "pkg" / "pyproject.toml")
    files = discover([tmp_path], Config())
    walked = {str(path): _project.find_root(os.path.abspath(path)) for path in files}  # as the walk left them
    _project.forget_projects()
    asked = {str(path): _project.find_root(os.path.abspath(path)) for path in files}
    assert walked == asked
    assert asked[str(tmp_path / "repo" / "pkg" / "sub" / "m.py")] == tmp_path / "repo"
    assert asked[str(tmp_path / "loose" / "pkg" / "m.py")] == tmp_path / "loose" / "pkg"
    assert asked[str(tmp_path / "torch" / "nn.py")] is None


@pytest.mark.skipif(not hasattr(os, "symlink"), reason="symbolic links")
def test_the_site_search_lists_files_in_the_order_of_os_walk(tmp_path):
    write_project(tmp_path, {f"{folder}/m{index}.py": "" for folder in ("a", "a/b", "c", "c/d/e", ".git", "build",
                                                                       "node_modules", "z") for index in range(3)})
    (tmp_path / "notes.txt").write_text("")
    os.symlink(tmp_path / "a", tmp_path / "link")
    expected = []
    for folder, folders, names in os.walk(tmp_path):
        folders[:] = [name for name in folders if name not in _project._SITE_SKIPPED and not name.startswith(".")]
        expected.extend(os.path.join(folder, name) for name in names if name.endswith(".py"))
    assert _project._python_files(str(tmp_path), 100) == expected and len(expected) == 15
    assert _project._python_files(str(tmp_path), 15) == expected and _project._python_files(str(tmp_path), 14) is None


def test_a_root_the_run_walked_past_the_limit_is_not_walked_again_for_sites(tmp_path, monkeypatch):
    monkeypatch.setattr(_project, "MAX_PROJECT_FILES", 3)
    write_project(tmp_path, {"pyproject.toml": "", **{f"lib/part_{index}.py": "" for index in range(4)}})
    walks: list = []
    real = _project._python_files
    monkeypatch.setattr(_project, "_python_files", lambda top, most: walks.append(top) or real(top, most))
    run([tmp_path], Config(), RunOptions(jobs=1))
    project = _project.project_for(str(tmp_path / "lib" / "part_0.py"))
    assert project is not None and project.site_files() is None and walks == []
    # a run of one folder of the root says nothing of the rest: the site search walks the root itself
    run([tmp_path / "lib"], Config(), RunOptions(jobs=1))
    project = _project.project_for(str(tmp_path / "lib" / "part_0.py"))
    assert project is not None and project.site_files() is None and walks == [str(tmp_path)]
    (tmp_path / "lib" / "part_0.py").unlink()  # three files: small enough to search every one
    run([tmp_path / "lib"], Config(), RunOptions(jobs=1))
    project = _project.project_for(str(tmp_path / "lib" / "part_1.py"))
    assert project is not None and len(project.site_files() or []) == 3
    run([tmp_path], Config(), RunOptions(jobs=1))  # the whole root, within the limit: still listed
    project = _project.project_for(str(tmp_path / "lib" / "part_1.py"))
    assert project is not None and len(project.site_files() or []) == 3


def test_no_gitignore_is_read_outside_a_repository(tmp_path, monkeypatch):
    from rnnlint import _gitignore

    write_project(tmp_path, {".gitignore": "a.py\n", "sub/.gitignore": "b.py\n", "a.py": "", "sub/b.py": ""})
    read: list = []
    real = _gitignore._read
    monkeypatch.setattr(_gitignore, "_read", lambda path: read.append(path) or real(path))
    assert len(discover([tmp_path], Config())) == 2 and read == []
    (tmp_path / ".git").write_text("gitdir: elsewhere\n")  # a worktree's .git is a file
    assert discover([tmp_path], Config()) == [] and tmp_path / ".gitignore" in read


def test_the_index_takes_the_figures_discovery_stat_ed(tmp_path, monkeypatch):
    from rnnlint import _runner

    monkeypatch.setattr(_project, "RECENT_NS", 0)  # files just written vouch for themselves
    write_project(tmp_path, {"pyproject.toml": "", "plain.py": "x = 1\n"})
    options = RunOptions(jobs=1, cache_dir=tmp_path / ".cache")
    run([tmp_path], Config(), options)
    stats: list = []
    monkeypatch.setattr(_runner, "stat_or_none", lambda path: stats.append(path))
    read: list = []
    real = _runner.read_source
    monkeypatch.setattr(_runner, "read_source", lambda path, *rest, **named: read.append(path) or real(path, *rest,
                                                                                                          **named))
    assert run([tmp_path], Config(), options).findings == [] and stats == [] and read == []

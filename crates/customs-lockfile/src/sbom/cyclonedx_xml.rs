//! CycloneDX XML (`<bom xmlns="http://cyclonedx.org/schema/bom/1.x">`), read into the same model
//! as JSON (see `cyclonedx`). The spec version is the namespace's.
//!
//! The reader streams events (quick-xml) and never expands entities beyond XML's five
//! predefined ones and character references: a DTD is skipped, and a reference to an entity it
//! declares is an error, so no entity expansion can blow up. Elements nest at most
//! [`MAX_ELEMENT_DEPTH`] deep. Fields are matched by their path below the component, so the
//! `<name>` of a licence, supplier or pedigree ancestor is never taken for the component's.
//! In `<dependencies>`, each `<dependency ref>` lists what it depends on as child
//! `<dependency ref>` elements (which may nest further, each naming its own dependencies).
//! quick-xml's errors repeat their cause in their message, so only the message is kept.

use quick_xml::Reader;
use quick_xml::events::{BytesStart, Event};

use super::MAX_NESTING;
use super::cyclonedx::{Bom, Component, Dependency, read};
use crate::error::Syntax;
use crate::{Input, LineIndex, ParseError, Parsed};

/// Elements nested deeper than this are refused.
const MAX_ELEMENT_DEPTH: usize = 96;

/// The namespace of every CycloneDX XML schema, followed by the spec version.
const NAMESPACE: &str = "cyclonedx.org/schema/bom/";

pub(crate) fn sniff(head: &str) -> bool {
    head.trim_start().starts_with('<') && head.contains("bom") && head.contains(NAMESPACE)
}

/// A component being read: its element's depth in the element stack, and how deep it nests.
#[derive(Debug)]
struct Frame {
    depth: usize,
    component: Component,
    root: bool,
    level: usize,
    /// Nested too deep: read (to keep the structure), then dropped.
    skipped: bool,
}

pub(crate) fn parse(input: Input<'_>) -> Result<Parsed, ParseError> {
    let text = input.text;
    let lines = LineIndex::new(text);
    let mut reader = Reader::from_str(text);
    reader.config_mut().expand_empty_elements = true;
    let mut stack: Vec<String> = Vec::new();
    let mut content = String::new();
    let mut frames: Vec<Frame> = Vec::new();
    let mut dependencies: Vec<Option<usize>> = Vec::new();
    // The attribute a field's text pairs with (a hash's `alg`, a property's `name`).
    let mut attribute = String::new();
    let mut bom = Bom::default();
    let mut saw_bom = false;
    let syntax = |reader: &Reader<&[u8]>, error: quick_xml::Error| {
        let at = usize::try_from(reader.error_position()).unwrap_or(usize::MAX);
        ParseError::at(lines.line(at), "invalid CycloneDX XML")
            .with_source(Syntax(error.to_string()))
    };
    loop {
        let event = reader
            .read_event()
            .map_err(|error| syntax(&reader, error))?;
        let end = usize::try_from(reader.buffer_position()).unwrap_or(usize::MAX);
        match event {
            Event::Start(element) => {
                let name = local_name(&element);
                let line = lines.line(text.get(..end).and_then(|t| t.rfind('<')).unwrap_or(0));
                if stack.len() >= MAX_ELEMENT_DEPTH {
                    return Err(ParseError::at(
                        line,
                        format!("elements nested more than {MAX_ELEMENT_DEPTH} deep"),
                    ));
                }
                content.clear();
                if stack.is_empty() {
                    if saw_bom {
                        return Err(ParseError::at(
                            line,
                            "invalid CycloneDX XML: two root elements",
                        ));
                    }
                    saw_bom = true;
                    open_bom(&element, &name, line, &mut bom)?;
                    stack.push(name);
                    continue;
                }
                let parent = stack.last().map_or("", String::as_str);
                let in_bom = |path: &[&str]| stack.len() == path.len() && stack.iter().eq(path);
                if name == "component" {
                    let top = frames.last();
                    let nested = parent == "components"
                        && top.is_some_and(|f| f.depth + 2 == stack.len() && !f.root);
                    let frame = if in_bom(&["bom", "metadata"]) {
                        Some((true, 0, false))
                    } else if in_bom(&["bom", "components"]) {
                        Some((false, 0, false))
                    } else if nested {
                        let parent = top.map_or(0, |f| f.level);
                        let skipped = top.is_some_and(|f| f.skipped);
                        if parent + 1 >= MAX_NESTING && !skipped {
                            bom.errors.push(ParseError::at(
                                line,
                                format!(
                                    "components nested more than {MAX_NESTING} levels deep; the \
                                     deeper ones are skipped"
                                ),
                            ));
                        }
                        Some((false, parent + 1, skipped || parent + 1 >= MAX_NESTING))
                    } else {
                        None
                    };
                    if let Some((root, level, skipped)) = frame {
                        if !skipped && bom.components.len() >= super::MAX_COMPONENTS {
                            return Err(ParseError::at(
                                line,
                                format!(
                                    "more than {} components; customs reads at most that many",
                                    super::MAX_COMPONENTS
                                ),
                            ));
                        }
                        let mut component = Component {
                            line,
                            ..Component::default()
                        };
                        for (key, value) in attributes(&element, line)? {
                            match key.as_str() {
                                "type" => component.kind = Some(value),
                                "bom-ref" => component.bom_ref = Some(value),
                                _ => {}
                            }
                        }
                        frames.push(Frame {
                            depth: stack.len(),
                            component,
                            root,
                            level,
                            skipped,
                        });
                    }
                } else if name == "dependency" {
                    let reference = attributes(&element, line)?
                        .into_iter()
                        .find(|(key, _)| key == "ref")
                        .map(|(_, value)| value);
                    let parent_index = if parent == "dependency" {
                        dependencies.last().copied().flatten()
                    } else {
                        None
                    };
                    let top_level = in_bom(&["bom", "dependencies"]);
                    let index = match reference {
                        Some(reference) if top_level || parent == "dependency" => {
                            if let Some(parent) =
                                parent_index.and_then(|i| bom.dependencies.get_mut(i))
                            {
                                parent.depends_on.push(reference.clone());
                            }
                            bom.dependencies.push(Dependency {
                                reference,
                                depends_on: Vec::new(),
                            });
                            Some(bom.dependencies.len() - 1)
                        }
                        _ => None,
                    };
                    dependencies.push(index);
                } else if let Some(frame) = frames.last_mut() {
                    let path = relative(&stack, frame.depth, &name);
                    match path.as_slice() {
                        ["hashes", "hash"]
                        | ["externalReferences", "reference", "hashes", "hash"] => {
                            attribute = attribute_value(&element, "alg", line)?;
                        }
                        ["externalReferences", "reference"] => {
                            let kind = attribute_value(&element, "type", line)?;
                            frame.component.references.push((kind, String::new()));
                        }
                        ["properties", "property"] => {
                            attribute = attribute_value(&element, "name", line)?;
                        }
                        _ => {}
                    }
                }
                stack.push(name);
            }
            Event::End(_) => {
                let Some(name) = stack.pop() else {
                    continue;
                };
                let value = std::mem::take(&mut content);
                if name == "dependency" {
                    dependencies.pop();
                    continue;
                }
                let Some(frame) = frames.last_mut() else {
                    continue;
                };
                if stack.len() == frame.depth && name == "component" {
                    if let Some(frame) = frames.pop() {
                        if frame.root {
                            bom.root = Some(frame.component);
                        } else if !frame.skipped {
                            bom.components.push(frame.component);
                        }
                    }
                    continue;
                }
                let value = value.trim().to_owned();
                let component = &mut frame.component;
                match relative(&stack, frame.depth, &name).as_slice() {
                    ["name"] => component.name = Some(value),
                    ["group"] => component.group = Some(value),
                    ["scope"] => component.scope = Some(value),
                    ["purl"] => component.purl = Some(value),
                    ["hashes", "hash"] => {
                        component
                            .hashes
                            .push((std::mem::take(&mut attribute), value));
                    }
                    ["licenses", "license", "id" | "name"] | ["licenses", "expression"] => {
                        component.licenses.push(value);
                    }
                    ["externalReferences", "reference", "url"] => {
                        if let Some(reference) = component.references.last_mut() {
                            reference.1 = value;
                        }
                    }
                    ["externalReferences", "reference", "hashes", "hash"] => {
                        let algorithm = std::mem::take(&mut attribute);
                        if component
                            .references
                            .last()
                            .is_some_and(|(kind, _)| kind == "distribution")
                        {
                            component.hashes.push((algorithm, value));
                        }
                    }
                    ["properties", "property"] => {
                        component
                            .properties
                            .push((std::mem::take(&mut attribute), value));
                    }
                    _ => {}
                }
            }
            Event::Text(part) => push_bounded(&mut content, &part.xml10_content()),
            Event::CData(part) => push_bounded(&mut content, &part.xml10_content()),
            Event::GeneralRef(reference) => {
                let line = lines.line(end);
                match reference.resolve_char_ref() {
                    Ok(Some(character)) => content.push(character),
                    Ok(None) => {
                        let name = reference.xml10_content();
                        match quick_xml::escape::resolve_predefined_entity(&name) {
                            Some(replacement) => content.push_str(replacement),
                            None => {
                                return Err(ParseError::at(
                                    line,
                                    format!(
                                        "invalid CycloneDX XML: entity `&{name};` is not one of \
                                         XML's own (customs does not expand DTD entities)"
                                    ),
                                ));
                            }
                        }
                    }
                    Err(error) => {
                        return Err(ParseError::at(line, "invalid CycloneDX XML")
                            .with_source(Syntax(error.to_string())));
                    }
                }
            }
            Event::Eof => break,
            Event::Comment(_)
            | Event::Decl(_)
            | Event::PI(_)
            | Event::DocType(_)
            | Event::Empty(_) => {}
        }
    }
    if !saw_bom {
        return Err(ParseError::at(1, "not a CycloneDX BOM: no <bom> element"));
    }
    read(bom, input.path, "XML")
}

/// Text of one element is bounded by the file; this keeps a run of whitespace between
/// elements from growing without end in documents with mixed content.
fn push_bounded(content: &mut String, part: &str) {
    if content.len() < 1 << 20 {
        content.push_str(part);
    }
}

fn open_bom(
    element: &BytesStart<'_>,
    name: &str,
    line: u32,
    bom: &mut Bom,
) -> Result<(), ParseError> {
    if name != "bom" {
        return Err(ParseError::at(
            line,
            format!("not a CycloneDX BOM: the root element is <{name}>, not <bom>"),
        ));
    }
    let namespace = attributes(element, line)?
        .into_iter()
        .filter(|(key, _)| key == "xmlns" || key.starts_with("xmlns:"))
        .find_map(|(_, value)| {
            value
                .split_once(NAMESPACE)
                .map(|(_, version)| version.trim_end_matches('/').to_owned())
        });
    match namespace {
        Some(version) => {
            bom.spec_version = version;
            bom.spec_line = line;
            Ok(())
        }
        None => Err(ParseError::at(
            line,
            "not a CycloneDX BOM: <bom> is not in a CycloneDX namespace \
             (http://cyclonedx.org/schema/bom/1.x)",
        )),
    }
}

/// An element's local name (without a namespace prefix).
fn local_name(element: &BytesStart<'_>) -> String {
    element.local_name().into_inner().to_owned()
}

/// An element's attributes, values unescaped; keys keep their prefix (`xmlns:cdx`), since the
/// namespace declarations are found by it.
fn attributes(element: &BytesStart<'_>, line: u32) -> Result<Vec<(String, String)>, ParseError> {
    element
        .attributes()
        .map(|attribute| {
            let attribute = attribute.map_err(|error| {
                ParseError::at(line, "invalid CycloneDX XML").with_source(Syntax(error.to_string()))
            })?;
            let value = attribute
                .normalized_value(quick_xml::XmlVersion::Implicit1_0)
                .map_err(|error| {
                    ParseError::at(line, "invalid CycloneDX XML")
                        .with_source(Syntax(error.to_string()))
                })?;
            Ok((attribute.key.into_inner().to_owned(), value.into_owned()))
        })
        .collect()
}

fn attribute_value(element: &BytesStart<'_>, key: &str, line: u32) -> Result<String, ParseError> {
    Ok(attributes(element, line)?
        .into_iter()
        .find(|(k, _)| k == key)
        .map(|(_, value)| value)
        .unwrap_or_default())
}

/// The path of element `name` below the component whose element sits at `depth` in `stack`
/// (`stack` holding the element's ancestors).
fn relative<'s>(stack: &'s [String], depth: usize, name: &'s str) -> Vec<&'s str> {
    stack
        .get(depth + 1..)
        .unwrap_or_default()
        .iter()
        .map(String::as_str)
        .chain(std::iter::once(name))
        .collect()
}

//! Call chains: `this.repo.find(...)`, `dataSource.getRepository(User).createQueryBuilder('u')
//! .where(...)`, `qb.andWhere(...)` on a variable holding a builder.
//!
//! A chain is split into its base (an identifier, `this`, or anything else) and the steps
//! after it (property accesses and method calls); the steps are then followed from what the
//! base stands for, recording query calls and QueryBuilder chains on the way.

use super::receivers::{by_name, by_suffix, entity_arg, is_pascal_case, last_segment};
use super::{Extractor, Known, Recv};
use crate::finding::Span;
use crate::syntax::facts::{
    ChainCall, Name, QueryBuilderChain, QueryCall, Receiver, Spanned, Value,
};
use crate::syntax::ids::{fields, KindExt};
use crate::syntax::value::{arg_values, first_named, member_path, named_iter};
use tree_sitter::Node;

/// Methods whose calls are query sites on a repository, manager, data source or runner.
pub(super) const QUERY_METHODS: &[&str] = &[
    "find",
    "findOne",
    "findBy",
    "findOneBy",
    "findAndCount",
    "findAndCountBy",
    "findOneOrFail",
    "findOneByOrFail",
    "count",
    "countBy",
    "exist",
    "exists",
    "existsBy",
    "sum",
    "average",
    "minimum",
    "maximum",
    "update",
    "delete",
    "softDelete",
    "restore",
    "remove",
    "softRemove",
    "save",
    "insert",
    "upsert",
    "increment",
    "decrement",
    "clear",
    "query",
    "preload",
];

/// QueryBuilder methods after which the value is no longer a builder.
const TERMINAL_METHODS: &[&str] = &[
    "getMany",
    "getOne",
    "getOneOrFail",
    "getRawMany",
    "getRawOne",
    "getManyAndCount",
    "getRawAndEntities",
    "getCount",
    "getExists",
    "execute",
    "stream",
    "getQuery",
    "getSql",
    "getQueryAndParameters",
    "getParameters",
];

/// The last segments of the calls `check_options_call` looks into.
const OPTIONS_CALLS: &[&str] = &["createConnection", "forRoot", "forRootAsync", "registerAs"];

/// One step after the base of a chain (names borrowed from the source).
enum Step<'t, 's> {
    /// `.name` without a call.
    Prop(&'s str),
    /// `.method(args)` (or a plain `method(args)` when the chain has no base).
    Call {
        method: &'s str,
        method_span: Span,
        call: Node<'t>,
        /// The call's `arguments` node, looked up once for the step and its walk.
        args: Option<Node<'t>>,
        /// The expression the method is called on.
        object: Option<Node<'t>>,
    },
}

/// Splits `a.b(x).c.d(y)` into the base `a` and the steps `.b(x)`, `.c`, `.d(y)`. A plain
/// call `f(x)` has no base.
fn decompose<'t, 's>(node: Node<'t>, src: &'s str) -> (Option<Node<'t>>, Vec<Step<'t, 's>>) {
    let mut steps = Vec::new();
    let mut cur = node;
    let base = loop {
        match cur.fast_kind() {
            "call_expression" => {
                let Some(f) = cur.child_by_field_id(fields().function) else {
                    break Some(cur);
                };
                match f.fast_kind() {
                    "member_expression" => {
                        let (Some(object), Some(property)) = (
                            f.child_by_field_id(fields().object),
                            f.child_by_field_id(fields().property),
                        ) else {
                            break Some(cur);
                        };
                        steps.push(Step::Call {
                            method: crate::syntax::value::text(property, src),
                            method_span: property.byte_range(),
                            call: cur,
                            args: cur.child_by_field_id(fields().arguments),
                            object: Some(object),
                        });
                        cur = object;
                    }
                    "identifier" => {
                        steps.push(Step::Call {
                            method: crate::syntax::value::text(f, src),
                            method_span: f.byte_range(),
                            call: cur,
                            args: cur.child_by_field_id(fields().arguments),
                            object: None,
                        });
                        break None;
                    }
                    _ => {
                        steps.push(Step::Call {
                            method: "",
                            method_span: f.byte_range(),
                            call: cur,
                            args: cur.child_by_field_id(fields().arguments),
                            object: Some(f),
                        });
                        cur = f;
                    }
                }
            }
            "member_expression" => {
                let (Some(object), Some(property)) = (
                    cur.child_by_field_id(fields().object),
                    cur.child_by_field_id(fields().property),
                ) else {
                    break Some(cur);
                };
                steps.push(Step::Prop(crate::syntax::value::text(property, src)));
                cur = object;
            }
            "parenthesized_expression" | "non_null_expression" | "await_expression" => {
                match first_named(cur) {
                    Some(inner) => cur = inner,
                    None => break Some(cur),
                }
            }
            _ => break Some(cur),
        }
    };
    steps.reverse();
    (base, steps)
}

/// The first argument node of a call's `arguments` node.
fn first_arg_node(args: Option<Node>) -> Option<Node> {
    named_iter(args?).next()
}

/// The string value of an argument (`'u'`), if it is one.
fn str_arg(arg: Option<&Spanned<Value>>) -> Option<Name> {
    arg.and_then(|a| a.value.as_str()).map(Name::from)
}

/// Whether a receiver takes the entity from the object itself (repositories) rather than
/// from the first argument (managers, data sources).
fn is_repository_like(receiver: &Receiver) -> bool {
    matches!(receiver, Receiver::Repository { .. } | Receiver::Unknown(_))
}

impl Extractor<'_> {
    /// Follows a chain, recording what it finds, and says what the whole chain yields.
    pub(super) fn eval_chain(&mut self, node: Node) -> Recv {
        let (base, steps) = decompose(node, self.src);
        let mut state = match base {
            Some(b) => self.eval_base(b),
            None => Recv::Global,
        };
        for step in steps {
            state = match step {
                Step::Prop(name) => self.step_prop(state, name),
                Step::Call {
                    method,
                    method_span,
                    call,
                    args,
                    object,
                } => {
                    let next = self.step_call(state, method, method_span, call, args, object);
                    // the callee's last segment is the method (when it has a name): only
                    // these name options calls
                    if method.is_empty() || OPTIONS_CALLS.contains(&method) {
                        self.check_options_call(call);
                    }
                    if let Some(args) = args {
                        self.walk_children(args);
                    }
                    next
                }
            };
        }
        state
    }

    fn eval_base(&mut self, base: Node) -> Recv {
        match base.fast_kind() {
            "this" | "super" => Recv::This,
            "identifier" => self.lookup_ident(base),
            // Reached only for malformed calls and members: never re-enter the chain.
            "call_expression" | "member_expression" => {
                self.walk_children(base);
                Recv::Opaque
            }
            "new_expression" | "as_expression" | "satisfies_expression" => self.eval(base),
            _ => {
                self.walk(base);
                Recv::Opaque
            }
        }
    }

    /// `.name`: a class member after `this`, `.manager` of anything TypeORM, else by name.
    fn step_prop(&self, state: Recv, name: &str) -> Recv {
        match state {
            Recv::This => self.lookup_member(name),
            Recv::Known(_) if name == "manager" => Recv::Known(Known::of(Receiver::Manager)),
            Recv::Known(Known {
                receiver: Receiver::Manager | Receiver::QueryRunner,
                ..
            }) if name == "connection" || name == "dataSource" => {
                Recv::Known(Known::of(Receiver::DataSource))
            }
            _ => by_name(name).map(Recv::Known).unwrap_or(Recv::Untyped),
        }
    }

    /// `.method(args)` on what the chain yields so far.
    fn step_call(
        &mut self,
        state: Recv,
        method: &str,
        method_span: Span,
        call: Node,
        args: Option<Node>,
        object: Option<Node>,
    ) -> Recv {
        let state = match state {
            Recv::This => self.this_recv(),
            other => other,
        };
        if let Recv::Builder(i) = state {
            return self.append_to_chain(i, method, method_span, call, args);
        }
        match method {
            "getRepository" | "getTreeRepository" | "getMongoRepository" => {
                match self.repository_entity_arg(args) {
                    Some(entity) => Recv::Known(Known::repository(entity)),
                    None if matches!(&state, Recv::Known(k) if is_repository_like(&k.receiver)) => {
                        state
                    }
                    None => Recv::Untyped,
                }
            }
            "getCustomRepository" => match self.first_arg(args).map(|a| a.value) {
                Some(Value::Ident(name)) => match self.custom_repos.get(name.as_str()) {
                    Some(entity) => Recv::Known(Known::repository(entity.clone())),
                    None => Recv::Known(Known::of(Receiver::Unknown(name))),
                },
                _ => Recv::Untyped,
            },
            "withRepository" => {
                first_arg_node(args).map_or(Recv::Untyped, |arg| match arg.fast_kind() {
                    "identifier" | "member_expression" | "this" => self.eval(arg),
                    _ => Recv::Untyped,
                })
            }
            "extend" if matches!(&state, Recv::Known(k) if is_repository_like(&k.receiver)) => {
                state
            }
            "createQueryRunner" => Recv::Known(Known::of(Receiver::QueryRunner)),
            "getManager" | "createEntityManager"
                if matches!(state, Recv::Global | Recv::Known(_)) =>
            {
                Recv::Known(Known::of(Receiver::Manager))
            }
            "getConnection" | "getDataSource" if state == Recv::Global => {
                Recv::Known(Known::of(Receiver::DataSource))
            }
            "createQueryBuilder" => self.start_chain(state, object, method_span, call, args),
            m if QUERY_METHODS.contains(&m) => {
                match state {
                    Recv::Known(k) => self.record_call(k, method, method_span, call, args),
                    _ if m == "query" => {
                        let suffix = object.and_then(|o| by_suffix(self.text(o)));
                        if let Some(receiver) = suffix {
                            self.record_call(Known::of(receiver), method, method_span, call, args);
                        }
                    }
                    _ => {}
                }
                Recv::Untyped
            }
            _ => Recv::Untyped,
        }
    }

    /// The entity of `getRepository(Order)`, or of a wrapper that takes a context first
    /// (`this.connection.getRepository(ctx, Order)`): the first argument if it names an
    /// entity, else the first later one that is a class name.
    fn repository_entity_arg(&self, args: Option<Node>) -> Option<Spanned<Name>> {
        let args = arg_values(args, self.src);
        let first = args.first()?;
        entity_arg(first).or_else(|| {
            args.iter()
                .skip(1)
                .find(|a| matches!(&a.value, Value::Ident(n) if is_pascal_case(n)))
                .and_then(entity_arg)
        })
    }

    fn first_arg(&self, args: Option<Node>) -> Option<Spanned<Value>> {
        arg_values(args, self.src).into_iter().next()
    }

    /// The arguments of a call (its `arguments` node), with same-file consts followed.
    fn resolved_args(&self, args: Option<Node>) -> Vec<Spanned<Value>> {
        arg_values(args, self.src)
            .into_iter()
            .map(|a| self.resolve_arg(a))
            .collect()
    }

    fn record_call(
        &mut self,
        known: Known,
        method: &str,
        method_span: Span,
        call: Node,
        args: Option<Node>,
    ) {
        let mut args = self.resolved_args(args);
        let entity = if is_repository_like(&known.receiver) {
            known.entity
        } else if method == "query" {
            None
        } else {
            match args.first().and_then(entity_arg) {
                Some(entity) => {
                    args.remove(0);
                    Some(entity)
                }
                None => None,
            }
        };
        self.calls.push(QueryCall {
            receiver: known.receiver,
            entity,
            method: method.into(),
            method_span: method_span.into(),
            args: args.into(),
            span: call.byte_range().into(),
            enclosing_function: self.enclosing_function(),
        });
    }

    /// `createQueryBuilder(...)`: a repository's takes the alias, a manager's or data
    /// source's takes the entity and the alias.
    fn start_chain(
        &mut self,
        state: Recv,
        object: Option<Node>,
        method_span: Span,
        call: Node,
        args: Option<Node>,
    ) -> Recv {
        let args = self.resolved_args(args);
        let (receiver, entity, alias) = match state {
            Recv::Known(k) if is_repository_like(&k.receiver) => {
                (k.receiver, k.entity, str_arg(args.first()))
            }
            Recv::Known(k) => (
                k.receiver,
                args.first().and_then(entity_arg),
                str_arg(args.get(1)),
            ),
            _ => {
                let receiver = Receiver::Unknown(object.map(|o| self.text(o)).unwrap_or("").into());
                let first_is_class = matches!(
                    args.first().map(|a| &a.value),
                    Some(Value::Ident(n)) if is_pascal_case(n)
                );
                if first_is_class || str_arg(args.get(1)).is_some() {
                    (
                        receiver,
                        args.first().and_then(entity_arg),
                        str_arg(args.get(1)),
                    )
                } else {
                    (receiver, None, str_arg(args.first()))
                }
            }
        };
        let first = ChainCall {
            method: "createQueryBuilder".into(),
            method_span: method_span.clone().into(),
            args: args.into(),
            span: (method_span.start..call.end_byte()).into(),
        };
        self.chains.push(QueryBuilderChain {
            receiver,
            entity,
            alias,
            create_span: call.byte_range().into(),
            calls: vec![first],
            enclosing_function: self.enclosing_function(),
        });
        Recv::Builder(self.chains.len() - 1)
    }

    /// A call on a builder: appended to its chain; `.from(E, 'a')`, `.into(E)`,
    /// `.update(E)` name the entity when the builder did not.
    fn append_to_chain(
        &mut self,
        index: usize,
        method: &str,
        method_span: Span,
        call: Node,
        args: Option<Node>,
    ) -> Recv {
        let args = self.resolved_args(args);
        let Some(chain) = self.chains.get_mut(index) else {
            return Recv::Untyped;
        };
        if chain.entity.is_none() && matches!(method, "from" | "into" | "update") {
            if let Some(entity) = args.first().and_then(entity_arg) {
                chain.entity = Some(entity);
                if method == "from" && chain.alias.is_none() {
                    chain.alias = str_arg(args.get(1));
                }
            }
        }
        chain.calls.push(ChainCall {
            method: method.into(),
            method_span: method_span.clone().into(),
            args: args.into(),
            span: (method_span.start..call.end_byte()).into(),
        });
        if TERMINAL_METHODS.contains(&method) {
            Recv::Untyped
        } else {
            Recv::Builder(index)
        }
    }

    /// `new DataSource({...})` is a data source; its options are recorded.
    pub(super) fn eval_new(&mut self, node: Node) -> Recv {
        self.check_new_options(node);
        self.walk_children(node);
        let ctor = node
            .child_by_field_id(fields().constructor)
            .and_then(|c| member_path(c, self.src));
        match ctor.as_deref().map(last_segment) {
            Some("DataSource" | "Connection") => Recv::Known(Known::of(Receiver::DataSource)),
            _ => Recv::Opaque,
        }
    }
}
